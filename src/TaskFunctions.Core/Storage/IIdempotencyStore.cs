namespace TaskFunctions.Core.Storage;

/// <summary>Durable Idempotency-Key reservations; every write is conditional, so concurrent requests agree on one owner.</summary>
public interface IIdempotencyStore
{
    /// <summary>Creates the table if needed (called once on start).</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>The reservation of <paramref name="key"/> in <paramref name="scope"/>; null when there is none.</summary>
    Task<IdempotencyReservation?> GetAsync(string scope, string key, CancellationToken cancellationToken = default);

    /// <summary>Inserts the reservation if the key has none; null when another request got there first.</summary>
    Task<IdempotencyReservation?> TryAddAsync(IdempotencyReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the reservation if its ETag still equals <see cref="IdempotencyReservation.ETag"/>; the stored copy
    /// with its new ETag, or null when it changed or vanished since.
    /// </summary>
    Task<IdempotencyReservation?> TryReplaceAsync(IdempotencyReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>Deletes the reservation if its ETag is unchanged; false when it changed or vanished since.</summary>
    Task<bool> TryDeleteAsync(IdempotencyReservation reservation, CancellationToken cancellationToken = default);
}
