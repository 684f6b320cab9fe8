namespace TaskFunctions.Core.Net;

/// <summary>How far a server's "retry after" wait is honoured (see <see cref="RetryAfterHeader"/>).</summary>
/// <param name="Max">The longest wait honoured.</param>
/// <param name="IgnoreOutOfRange">
/// False: a longer wait is cut to <paramref name="Max"/>, and zero is kept. True: a wait outside (0, <paramref name="Max"/>]
/// is not honoured at all (null), so the caller's own backoff applies — the rule of the official OpenAI clients.
/// </param>
public readonly record struct RetryAfterRule(TimeSpan Max, bool IgnoreOutOfRange)
{
    /// <summary>Every wait up to a day is honoured; longer ones are cut to a day (no retry schedule here goes further).</summary>
    public static RetryAfterRule Default { get; } = new(TimeSpan.FromDays(1), IgnoreOutOfRange: false);

    /// <summary>Only waits in (0, <paramref name="max"/>] are honoured; others are ignored.</summary>
    public static RetryAfterRule HonourUpTo(TimeSpan max) => new(max, IgnoreOutOfRange: true);
}
