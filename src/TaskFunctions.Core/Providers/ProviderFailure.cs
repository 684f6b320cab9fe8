using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>
/// A provider failure classified at the provider boundary: the task's <see cref="ErrorCategory"/>, whether another
/// attempt may succeed, and how long the provider asked us to wait before it (Retry-After).
/// </summary>
/// <param name="Message">Safe for the task's <c>errors</c>: no keys, no image bytes, no private addresses.</param>
public sealed record ProviderFailure(string Message, ErrorCategory Category, bool Retryable, TimeSpan? RetryAfter = null)
{
    /// <summary>
    /// The request may have reached the provider although no answer came back (a timeout, a connection dropped after
    /// sending): a submit that failed this way may still have created a job.
    /// </summary>
    public bool OutcomeUnknown { get; init; }

    /// <summary>VALIDATION never retries and never falls back, whatever the provider hinted.</summary>
    public bool MayRetry => Retryable && Category != ErrorCategory.VALIDATION;

    /// <summary>Whether a fallback provider may be tried after this failure (everything but bad input).</summary>
    public bool MayFallBack => FallsBackAfter(Category);

    /// <summary>The one fallback rule: bad input would fail on any provider, and a cancelled task has nothing to fall back for.</summary>
    public static bool FallsBackAfter(ErrorCategory category) => category is not (ErrorCategory.VALIDATION or ErrorCategory.CANCELLED);
}
