using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Tasks;

/// <summary>
/// Written on the task before a provider submit is sent and cleared by the write that records the job: a re-run of the
/// submit that finds it knows an earlier run may have created a job whose id never got recorded.
/// </summary>
public sealed class SubmitIntentRecord
{
    /// <summary>The workflow attempt (<c>{stage}:{attempt}</c>) the submit belongs to.</summary>
    public string AttemptKey { get; set; } = "";

    public ProviderType Provider { get; set; }

    public DateTimeOffset At { get; set; }
}
