namespace TaskFunctions.Tests.Infrastructure.FakeReplicate;

/// <summary>
/// What the fake Replicate server does for the predictions of one model ("owner/name") or version id: each create
/// takes the next plan, the last plan repeats once the list is exhausted, and no plan at all means
/// <see cref="ReplicatePlan.Succeeds"/> (one PNG).
/// </summary>
public sealed class ReplicateScript
{
    private readonly object gate = new();
    private readonly List<ReplicatePlan> plans = [];
    private int next;
    private int released;

    internal ReplicateScript(string key) => Key = key;

    /// <summary>The model ("owner/name") or version id this script is for.</summary>
    public string Key { get; }

    /// <summary>Whether <see cref="Release"/> was called: predictions planned with <see cref="ReplicatePlan.HoldUntilReleased"/> may finish.</summary>
    public bool IsReleased => Volatile.Read(ref released) == 1;

    public ReplicateScript Then(ReplicatePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (gate)
        {
            plans.Add(plan);
        }

        return this;
    }

    /// <summary>Lets every held prediction of this script (running now or created later) finish on its next get.</summary>
    public void Release() => Volatile.Write(ref released, 1);

    internal ReplicatePlan NextPlan()
    {
        lock (gate)
        {
            if (plans.Count == 0)
            {
                return ReplicatePlan.Succeeds();
            }

            var plan = plans[Math.Min(next, plans.Count - 1)];
            next++;
            return plan;
        }
    }
}
