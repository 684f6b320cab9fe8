using System.Text.Json;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// What one attempt produced: result fields by wire name (paths, URLs, text — never bytes), or a classified failure
/// with whether another attempt may help and how long the provider asked us to wait. A successful provider fetch also
/// carries its journaled calls, so <see cref="TaskNames.CompleteTask"/> records them in the same write.
/// </summary>
public sealed record ExecutionOutcome(
    bool Succeeded,
    Dictionary<string, JsonElement>? Results,
    string? Error,
    ErrorCategory? Category,
    bool Retryable = false,
    TimeSpan? RetryAfter = null,
    IReadOnlyList<ServiceRequestRecord>? ServiceRequests = null)
{
    public static ExecutionOutcome Success(Dictionary<string, JsonElement> results) => new(true, results, null, null);

    public static ExecutionOutcome Failure(string error, ErrorCategory category) => new(false, null, error, category);

    public static ExecutionOutcome From(ProviderFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(false, null, failure.Message, failure.Category, failure.MayRetry, failure.RetryAfter);
    }

    /// <summary>
    /// A LOCAL BACKGROUND_FIX whose base image has no alpha cut-out: the workflow gets the person mask from the
    /// background-removal provider and runs the step again with it.
    /// </summary>
    public bool NeedsPersonMask { get; init; }

    /// <summary>The stage never ran (no executor, or its capabilities cannot serve the request): the next stage may still.</summary>
    public bool Skipped { get; init; }

    /// <summary>Whether a fallback provider may follow this failure (never after bad input).</summary>
    public bool MayFallBack => !Succeeded && (Skipped || (Category is { } category && ProviderFailure.FallsBackAfter(category)));
}
