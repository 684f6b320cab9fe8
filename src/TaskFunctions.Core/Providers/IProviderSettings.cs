using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>
/// What every remote provider's options (section <c>Providers:{Name}</c>) give the workflow: its retry and polling
/// policy and what its configured default app/model of each kind can do. Each provider registers its options as one.
/// </summary>
public interface IProviderSettings
{
    ProviderType Type { get; }

    ProviderRetryOptions Retry { get; }

    ProviderPollingOptions Polling { get; }

    /// <summary>The capabilities (<see cref="ProviderCapability"/> names) declared for the kind's default app or model.</summary>
    IReadOnlyList<string> CapabilitiesOf(TaskType taskType);
}
