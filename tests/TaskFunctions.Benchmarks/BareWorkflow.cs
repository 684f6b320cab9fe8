using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// The baseline orchestration: the durable steps the real task orchestration takes for an instant fal job (StartTask,
/// SubmitProviderJob, one polling timer, PollProviderJob, FetchProviderResult, CompleteTask), with no-op activities.
/// Registered only in the benchmark's in-process host, never in the shipped self-host.
/// </summary>
public static class BareWorkflow
{
    public const string Orchestration = "BenchBareOrchestration";

    public const string NoOp = "BenchNoOp";

    /// <summary>The same activity retry options the real orchestration passes (free unless an activity fails).</summary>
    private static readonly TaskOptions Steps = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(15)));

    public static Action<DurableTaskRegistry> Registration(TimeSpan timer) => registry =>
    {
        registry.AddOrchestratorFunc<string>(Orchestration, (context, id) => RunAsync(context, id ?? string.Empty, timer));
        registry.AddActivityFunc<string, string>(NoOp, (_, input) => input ?? string.Empty);
    };

    private static async Task RunAsync(TaskOrchestrationContext context, string id, TimeSpan timer)
    {
        await context.CallActivityAsync<string>(NoOp, id, Steps); // StartTask
        await context.CallActivityAsync<string>(NoOp, id, Steps); // SubmitProviderJob
        await context.CreateTimer(context.CurrentUtcDateTime + timer, CancellationToken.None); // Polling.FirstInterval
        await context.CallActivityAsync<string>(NoOp, id, Steps); // PollProviderJob
        await context.CallActivityAsync<string>(NoOp, id, Steps); // FetchProviderResult
        await context.CallActivityAsync<string>(NoOp, id, Steps); // CompleteTask
    }
}
