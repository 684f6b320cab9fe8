using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Storage;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Storage;

/// <summary>Reservations on Azurite: insert-if-absent, ETag-conditional replace and delete, scopes kept apart.</summary>
[Collection("Azurite")]
public sealed class TableIdempotencyStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);

    private readonly string table = "idem" + Guid.NewGuid().ToString("N");

    private TableIdempotencyStore store = null!;

    public async Task InitializeAsync()
    {
        store = new TableIdempotencyStore(new TableServiceClient(azurite.ConnectionString), Options.Create(new StorageOptions
        {
            ConnectionString = azurite.ConnectionString,
            IdempotencyTable = table,
        }));
        await store.InitializeAsync();
    }

    public async Task DisposeAsync() => await new TableServiceClient(azurite.ConnectionString).DeleteTableAsync(table);

    [Fact]
    public async Task TryAdd_NewKey_StoresEveryFieldExactly()
    {
        var reservation = Reservation("t:acme", "key/with#odd?chars\\");

        var added = await store.TryAddAsync(reservation);
        var read = await store.GetAsync(reservation.Scope, reservation.Key);

        Assert.NotNull(added);
        Assert.NotNull(read);
        Assert.Equal(added.ETag, read.ETag);
        Assert.Equal(reservation with { ETag = read.ETag }, read);
    }

    [Fact]
    public async Task TryAdd_KeyTaken_ReturnsNullAndKeepsFirst()
    {
        var first = Reservation("t:acme", "k");
        await store.TryAddAsync(first);

        var second = await store.TryAddAsync(Reservation("t:acme", "k"));
        var read = await store.GetAsync("t:acme", "k");

        Assert.Null(second);
        Assert.Equal(first.TaskId, read!.TaskId);
    }

    [Fact]
    public async Task TryAdd_SameKeyOtherScope_IsIndependent()
    {
        await store.TryAddAsync(Reservation("t:acme", "k"));

        var other = await store.TryAddAsync(Reservation("t:globex", "k"));

        Assert.NotNull(other);
        Assert.Equal(other.TaskId, (await store.GetAsync("t:globex", "k"))!.TaskId);
    }

    [Fact]
    public async Task TryReplace_CurrentETag_ReplacesAndReturnsNewETag()
    {
        var added = (await store.TryAddAsync(Reservation("t:acme", "k")))!;

        var replaced = await store.TryReplaceAsync(added with { Completed = true });

        Assert.NotNull(replaced);
        Assert.NotEqual(added.ETag, replaced.ETag);
        Assert.True((await store.GetAsync("t:acme", "k"))!.Completed);
    }

    [Fact]
    public async Task TryReplace_StaleETag_ReturnsNullAndChangesNothing()
    {
        var added = (await store.TryAddAsync(Reservation("t:acme", "k")))!;
        await store.TryReplaceAsync(added with { LeaseUntil = Now.AddMinutes(5) });

        var stale = await store.TryReplaceAsync(added with { Completed = true });

        Assert.Null(stale);
        Assert.False((await store.GetAsync("t:acme", "k"))!.Completed);
    }

    [Fact]
    public async Task TryDelete_StaleETag_KeepsReservation()
    {
        var added = (await store.TryAddAsync(Reservation("t:acme", "k")))!;
        await store.TryReplaceAsync(added with { Completed = true });

        var deleted = await store.TryDeleteAsync(added);

        Assert.False(deleted);
        Assert.NotNull(await store.GetAsync("t:acme", "k"));
    }

    [Fact]
    public async Task TryDelete_CurrentETag_RemovesReservation()
    {
        var added = (await store.TryAddAsync(Reservation("t:acme", "k")))!;

        var deleted = await store.TryDeleteAsync(added);

        Assert.True(deleted);
        Assert.Null(await store.GetAsync("t:acme", "k"));
    }

    [Fact]
    public async Task TryAddAsync_TenConcurrentClaims_ExactlyOneWins()
    {
        var claims = Enumerable.Range(0, 10).Select(_ => store.TryAddAsync(Reservation("t:acme", "race"))).ToArray();

        var results = await Task.WhenAll(claims);

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(winner!.TaskId, (await store.GetAsync("t:acme", "race"))!.TaskId);
    }

    private static IdempotencyReservation Reservation(string scope, string key) => new()
    {
        Scope = scope,
        Key = key,
        TaskId = Guid.NewGuid().ToString("D"),
        RequestHash = new string('a', 64),
        CreatedAt = Now,
        LeaseUntil = Now.AddMinutes(1),
    };
}
