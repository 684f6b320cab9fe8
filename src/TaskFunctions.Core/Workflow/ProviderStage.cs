using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// One provider the workflow tries (the primary, then the fallback), with the retry and polling policy read from
/// configuration when the task started — carried through history so replays see the same policy. A stage that cannot
/// run (<see cref="StageExecutor.Missing"/>: no executor, or capabilities that cannot serve the request) is skipped with
/// <see cref="MissingMessage"/> and <see cref="SkipCategory"/>.
/// </summary>
public sealed record ProviderStage(
    ProviderType? Provider,
    StageExecutor Executor,
    ProviderRetryOptions Retry,
    ProviderPollingOptions Polling,
    TimeSpan Deadline,
    string? MissingMessage = null,
    ErrorCategory SkipCategory = ErrorCategory.INTERNAL);
