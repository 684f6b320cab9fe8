namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>
/// What the fake fal server does for the submits of one app id: each submit takes the next plan, the last plan repeats
/// once the list is exhausted, and no plan at all means <see cref="FalJobPlan.Succeeds"/>.
/// </summary>
public sealed class FalScript
{
    private readonly object gate = new();
    private readonly List<FalJobPlan> plans = [];
    private int next;
    private int released;

    internal FalScript(string appId) => AppId = appId;

    public string AppId { get; }

    /// <summary>Whether <see cref="Release"/> was called: jobs planned with <see cref="FalJobPlan.HoldUntilReleased"/> may complete.</summary>
    public bool IsReleased => Volatile.Read(ref released) == 1;

    public FalScript Then(FalJobPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (gate)
        {
            plans.Add(plan);
        }

        return this;
    }

    /// <summary>Lets every held job of this app (running now or submitted later) complete on its next status poll.</summary>
    public void Release() => Volatile.Write(ref released, 1);

    internal FalJobPlan NextPlan()
    {
        lock (gate)
        {
            if (plans.Count == 0)
            {
                return FalJobPlan.Succeeds();
            }

            var plan = plans[Math.Min(next, plans.Count - 1)];
            next++;
            return plan;
        }
    }
}
