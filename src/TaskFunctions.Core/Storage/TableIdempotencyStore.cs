using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// <see cref="IIdempotencyStore"/> on Table Storage (table <c>Storage:IdempotencyTable</c>): one small entity per key,
/// PartitionKey = SHA-256 (hex) of the scope, RowKey = SHA-256 (hex) of the key.
/// </summary>
/// <remarks>
/// Hashes, not the raw strings: a key may hold characters Table keys forbid (<c>/ \ # ?</c>), and neither the tenant
/// nor the key needs to be readable here. The entity holds the task id, the request fingerprint, the first use and
/// the lease, as ticks so comparisons are exact.
/// </remarks>
public sealed class TableIdempotencyStore : IIdempotencyStore
{
    private const string TaskIdProperty = "TaskId";
    private const string RequestHashProperty = "RequestHash";
    private const string CreatedTicksProperty = "CreatedTicks";
    private const string LeaseTicksProperty = "LeaseTicks";
    private const string CompletedProperty = "Completed";

    private readonly TableClient _table;

    /// <summary>Uses <see cref="StorageOptions.IdempotencyTable"/>; the service client is a DI singleton.</summary>
    public TableIdempotencyStore(TableServiceClient tables, IOptions<StorageOptions> options)
    {
        _table = tables.GetTableClient(options.Value.IdempotencyTable);
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _table.CreateIfNotExistsAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IdempotencyReservation?> GetAsync(string scope, string key, CancellationToken cancellationToken = default)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(scope), RowKey(key), cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? FromEntity(scope, key, entity) : null;
    }

    /// <inheritdoc />
    public async Task<IdempotencyReservation?> TryAddAsync(IdempotencyReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        try
        {
            var response = await _table.AddEntityAsync(ToEntity(reservation), cancellationToken);
            return reservation with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<IdempotencyReservation?> TryReplaceAsync(IdempotencyReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        try
        {
            var response = await _table.UpdateEntityAsync(ToEntity(reservation), reservation.ETag, TableUpdateMode.Replace, cancellationToken);
            return reservation with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryDeleteAsync(IdempotencyReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        try
        {
            await _table.DeleteEntityAsync(PartitionKey(reservation.Scope), RowKey(reservation.Key), reservation.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>The PartitionKey of a scope.</summary>
    public static string PartitionKey(string scope) => Hash(scope);

    /// <summary>The RowKey of a key.</summary>
    public static string RowKey(string key) => Hash(key);

    private static string Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    private static TableEntity ToEntity(IdempotencyReservation reservation) => new(PartitionKey(reservation.Scope), RowKey(reservation.Key))
    {
        [TaskIdProperty] = reservation.TaskId,
        [RequestHashProperty] = reservation.RequestHash,
        [CreatedTicksProperty] = reservation.CreatedAt.UtcTicks,
        [LeaseTicksProperty] = reservation.LeaseUntil.UtcTicks,
        [CompletedProperty] = reservation.Completed,
    };

    private static IdempotencyReservation FromEntity(string scope, string key, TableEntity entity) => new()
    {
        Scope = scope,
        Key = key,
        TaskId = entity.GetString(TaskIdProperty) ?? string.Empty,
        RequestHash = entity.GetString(RequestHashProperty) ?? string.Empty,
        CreatedAt = new DateTimeOffset(entity.GetInt64(CreatedTicksProperty) ?? 0, TimeSpan.Zero),
        LeaseUntil = new DateTimeOffset(entity.GetInt64(LeaseTicksProperty) ?? 0, TimeSpan.Zero),
        Completed = entity.GetBoolean(CompletedProperty) ?? false,
        ETag = entity.ETag,
    };
}
