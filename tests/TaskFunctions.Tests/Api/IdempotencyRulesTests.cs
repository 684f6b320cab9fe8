using TaskFunctions.Core.Api;
using TaskFunctions.Core.Storage;

namespace TaskFunctions.Tests.Api;

public sealed class IdempotencyRulesTests
{
    private static readonly DateTimeOffset FirstUse = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Decide_NoReservation_Claims()
    {
        Assert.Equal(IdempotencyStep.Claim, IdempotencyRules.Decide(null, "h", FirstUse));
    }

    [Fact]
    public void Decide_CompletedSameRequestWithin24Hours_Replays()
    {
        var reservation = Completed("h");

        var step = IdempotencyRules.Decide(reservation, "h", FirstUse + IdempotencyRules.Retention - TimeSpan.FromTicks(1));

        Assert.Equal(IdempotencyStep.Replay, step);
    }

    [Fact]
    public void Decide_CompletedAfter24Hours_Renews()
    {
        var reservation = Completed("h");

        var step = IdempotencyRules.Decide(reservation, "h", FirstUse + IdempotencyRules.Retention);

        Assert.Equal(IdempotencyStep.Renew, step);
    }

    [Fact]
    public void Decide_DifferentRequestWithin24Hours_IsMismatch()
    {
        var reservation = Completed("h");

        var step = IdempotencyRules.Decide(reservation, "other", FirstUse + TimeSpan.FromHours(23));

        Assert.Equal(IdempotencyStep.Mismatch, step);
    }

    [Fact]
    public void Decide_DifferentRequestAfter24Hours_Renews()
    {
        var reservation = Completed("h");

        var step = IdempotencyRules.Decide(reservation, "other", FirstUse + TimeSpan.FromHours(25));

        Assert.Equal(IdempotencyStep.Renew, step);
    }

    [Fact]
    public void Decide_InProgressWithLiveLease_Waits()
    {
        var reservation = InProgress("h");

        var step = IdempotencyRules.Decide(reservation, "h", reservation.LeaseUntil - TimeSpan.FromTicks(1));

        Assert.Equal(IdempotencyStep.Wait, step);
    }

    [Fact]
    public void Decide_InProgressWithLiveLeaseDifferentRequest_IsMismatch()
    {
        var reservation = InProgress("h");

        var step = IdempotencyRules.Decide(reservation, "other", FirstUse);

        Assert.Equal(IdempotencyStep.Mismatch, step);
    }

    [Fact]
    public void Decide_InProgressWithExpiredLease_TakesOver()
    {
        var reservation = InProgress("h");

        var step = IdempotencyRules.Decide(reservation, "h", reservation.LeaseUntil);

        Assert.Equal(IdempotencyStep.TakeOver, step);
    }

    [Fact]
    public void Decide_InProgressLeaseLiveBeyond24Hours_StillWaits()
    {
        // Taken over just before the retention ended: the holder is at work, so the key is not pulled from under it.
        var reservation = InProgress("h") with { LeaseUntil = FirstUse + IdempotencyRules.Retention + TimeSpan.FromSeconds(30) };

        var step = IdempotencyRules.Decide(reservation, "h", FirstUse + IdempotencyRules.Retention + TimeSpan.FromSeconds(1));

        Assert.Equal(IdempotencyStep.Wait, step);
    }

    [Fact]
    public void Decide_AbandonedAfter24Hours_Renews()
    {
        var reservation = InProgress("h");

        var step = IdempotencyRules.Decide(reservation, "h", FirstUse + IdempotencyRules.Retention);

        Assert.Equal(IdempotencyStep.Renew, step);
    }

    private static IdempotencyReservation InProgress(string hash) => new()
    {
        Scope = "t:acme",
        Key = "k",
        TaskId = Guid.NewGuid().ToString("D"),
        RequestHash = hash,
        CreatedAt = FirstUse,
        LeaseUntil = FirstUse + IdempotencyRules.Lease,
    };

    private static IdempotencyReservation Completed(string hash) => InProgress(hash) with { Completed = true };
}
