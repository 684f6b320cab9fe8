using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// Switches a task to its fallback provider: provider_type and provider_config become the fallback's,
/// active_provider_capabilities are replaced by fallback_provider_capabilities, fallback_used is set.
/// </summary>
public sealed class ActivateFallbackActivity(TaskMutator mutator, TimeProvider time, ILogger<ActivateFallbackActivity> logger) : ITaskActivity<string, bool>
{
    public async Task<bool> RunAsync(string taskId, CancellationToken cancellationToken = default)
    {
        var result = await mutator.MutateRecentAsync(taskId, task =>
        {
            if (task.Status.IsTerminal() || task.Internal.IsDeleted || task.Internal.FallbackUsed || task.FallbackProviderType is null)
            {
                return null;
            }

            task.ProviderType = task.FallbackProviderType;
            task.ProviderConfig = task.FallbackProviderConfig?.DeepClone();
            task.ActiveProviderCapabilities = task.FallbackProviderCapabilities is null ? null : [.. task.FallbackProviderCapabilities];
            task.Internal.FallbackUsed = true;
            task.Internal.ActiveJob = null;
            task.UpdatedAt = time.GetUtcNow();
            return task;
        }, cancellationToken);
        if (result?.Changed == true)
        {
            WorkflowLog.FallbackActivated(logger, taskId, result.Document.ProviderType);
        }

        return result?.Changed == true;
    }
}
