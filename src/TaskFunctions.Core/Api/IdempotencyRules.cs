using TaskFunctions.Core.Storage;

namespace TaskFunctions.Core.Api;

/// <summary>The Idempotency-Key rules of a create: retention, the creating request's lease, and the decision table.</summary>
public static class IdempotencyRules
{
    /// <summary>How long a key keeps answering with its task (from its first use).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// How long the request that reserved a key is presumed alive while it creates the task. Inputs are fetched and
    /// checked before the key is reserved, so what remains (storing inputs, writing the record, scheduling) takes
    /// seconds; a reservation still unfinished after this was left by a process that died.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>How long a request waits for a concurrent one with the same key to finish before answering 409.</summary>
    public static readonly TimeSpan InProgressWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The scope of a caller's keys: its token's tenant claim, for admins too (an admin creating for another tenant still
    /// uses its own scope); a token without a tenant has a scope of its own.
    /// </summary>
    public static string ScopeOf(string? tokenTenant) => tokenTenant is null ? "-" : "t:" + tokenTenant;

    /// <summary>The next step for a request whose canonical form hashes to <paramref name="requestHash"/>.</summary>
    public static IdempotencyStep Decide(IdempotencyReservation? reservation, string requestHash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(requestHash);
        if (reservation is null)
        {
            return IdempotencyStep.Claim;
        }

        var sameRequest = string.Equals(reservation.RequestHash, requestHash, StringComparison.Ordinal);
        if (!reservation.Completed && now < reservation.LeaseUntil)
        {
            // Its creator is at work: even past the retention, never pull the key from under it.
            return sameRequest ? IdempotencyStep.Wait : IdempotencyStep.Mismatch;
        }

        if (now >= reservation.CreatedAt + Retention)
        {
            return IdempotencyStep.Renew;
        }

        if (!sameRequest)
        {
            return IdempotencyStep.Mismatch;
        }

        return reservation.Completed ? IdempotencyStep.Replay : IdempotencyStep.TakeOver;
    }
}
