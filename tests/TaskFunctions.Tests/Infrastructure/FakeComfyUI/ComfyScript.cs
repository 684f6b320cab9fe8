namespace TaskFunctions.Tests.Infrastructure.FakeComfyUI;

/// <summary>
/// The plans of the prompts of one marker (or of unmarked prompts): each <c>POST /prompt</c> takes the next plan, the
/// last one repeats once the list is exhausted, and no plan at all means <see cref="ComfyPlan.Succeeds"/>.
/// </summary>
public sealed class ComfyScript
{
    private readonly object gate = new();
    private readonly List<ComfyPlan> plans = [];
    private int next;
    private int released;

    internal ComfyScript(string? marker) => Marker = marker;

    /// <summary>The marker (null: the script of unmarked graphs).</summary>
    public string? Marker { get; }

    public bool IsReleased => Volatile.Read(ref released) == 1;

    public ComfyScript Then(ComfyPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (gate)
        {
            plans.Add(plan);
        }

        return this;
    }

    /// <summary>Lets every held prompt of this script (running now or submitted later) finish on its next history poll.</summary>
    public void Release() => Volatile.Write(ref released, 1);

    internal ComfyPlan NextPlan()
    {
        lock (gate)
        {
            if (plans.Count == 0)
            {
                return ComfyPlan.Succeeds();
            }

            var plan = plans[Math.Min(next, plans.Count - 1)];
            next++;
            return plan;
        }
    }
}
