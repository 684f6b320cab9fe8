using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Tasks;

/// <summary>A submitted provider job as kept on the task record.</summary>
public sealed class ProviderJobRecord
{
    /// <summary>Which workflow attempt submitted it (<c>{stage}:{attempt}</c>); a re-run of that submit finds the job here.</summary>
    public string AttemptKey { get; set; } = "";

    public ProviderJob Job { get; set; } = null!;

    public DateTimeOffset SubmittedAt { get; set; }

    public DateTimeOffset? LastPolledAt { get; set; }

    /// <summary>Process incarnation that last touched the job; a different one after a long gap means the job was re-attached.</summary>
    public string? LastWorker { get; set; }

    public int? QueuePosition { get; set; }

    /// <summary>Sequence number of the last status poll recorded.</summary>
    public int LastPollStep { get; set; }
}
