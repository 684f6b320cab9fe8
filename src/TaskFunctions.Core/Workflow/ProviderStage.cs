using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// One provider the workflow tries (the primary, then the fallback), with the retry and polling policy read from
/// configuration when the task started — carried through history so replays see the same policy.
/// </summary>
public sealed record ProviderStage(
    ProviderType? Provider,
    StageExecutor Executor,
    ProviderRetryOptions Retry,
    ProviderPollingOptions Polling,
    TimeSpan Deadline,
    string? MissingMessage = null);
