using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Tasks;

/// <summary>
/// A submit whose outcome the service never learned (it timed out, or the process died before recording the answer) at a
/// provider that cannot be asked afterwards: a job may exist there that the task never fetched or cancelled (possibly billed).
/// </summary>
public sealed class UnconfirmedSubmit
{
    public string AttemptKey { get; set; } = "";

    public ProviderType Provider { get; set; }

    /// <summary>The app, model or endpoint the submit went to.</summary>
    public string? Endpoint { get; set; }

    /// <summary>When the submit was sent.</summary>
    public DateTimeOffset SentAt { get; set; }

    /// <summary>"timed out", "interrupted" (the process died) or the transport error.</summary>
    public string Reason { get; set; } = "";
}
