using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>
/// Builds a provider's job request from a task (model input, endpoint). Throws <see cref="ProviderException"/>
/// with VALIDATION when the task cannot be expressed for this provider.
/// </summary>
public interface IJobRequestFactory
{
    ProviderType Provider { get; }

    bool Supports(TaskType taskType);

    /// <summary>The request of one job of the task (<paramref name="part"/>: which one, for kinds with several).</summary>
    Task<ProviderJobRequest> CreateAsync(TaskPublicBase task, JobPart part, CancellationToken cancellationToken);
}
