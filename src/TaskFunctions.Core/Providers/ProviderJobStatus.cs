namespace TaskFunctions.Core.Providers;

/// <summary>Where a provider job stands.</summary>
public enum ProviderJobState
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>
/// One status poll's answer. <paramref name="QueuePosition"/> is 0-based; <paramref name="Percent"/> 0–100 when the
/// provider reports it; <paramref name="Failure"/> is set when <see cref="ProviderJobState.Failed"/>.
/// </summary>
public sealed record ProviderJobStatus(
    ProviderJobState State,
    int? QueuePosition = null,
    double? Percent = null,
    IReadOnlyList<string>? Logs = null,
    ProviderFailure? Failure = null);
