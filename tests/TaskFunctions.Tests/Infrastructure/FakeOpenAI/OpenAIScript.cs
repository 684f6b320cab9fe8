namespace TaskFunctions.Tests.Infrastructure.FakeOpenAI;

/// <summary>
/// What the fake OpenAI server does for the calls of one model (Azure: deployment): each call takes the next plan, the
/// last plan repeats once the list is exhausted, and no plan at all means <see cref="OpenAIPlan.Succeeds"/>.
/// </summary>
public sealed class OpenAIScript
{
    private readonly object gate = new();
    private readonly List<OpenAIPlan> plans = [];
    private int next;

    internal OpenAIScript(string model) => Model = model;

    public string Model { get; }

    public OpenAIScript Then(OpenAIPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (gate)
        {
            plans.Add(plan);
        }

        return this;
    }

    internal OpenAIPlan NextPlan()
    {
        lock (gate)
        {
            if (plans.Count == 0)
            {
                return OpenAIPlan.Succeeds();
            }

            var plan = plans[Math.Min(next, plans.Count - 1)];
            next++;
            return plan;
        }
    }
}
