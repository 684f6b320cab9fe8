using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace TaskFunctions.Core.Api;

/// <summary>Stops a task's orchestration if it still runs and removes its history.</summary>
public static partial class OrchestrationCleanup
{
    private static readonly TimeSpan TerminateWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan[] LateRowChecks = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500)];

    public static async Task TerminateAndPurgeAsync(DurableTaskClient client, string instanceId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false);
            if (instance is null)
            {
                return;
            }

            var wasRunning = !IsTerminal(instance.RuntimeStatus);
            if (wasRunning)
            {
                await client.TerminateInstanceAsync(instanceId, "Task deleted");
                var deadline = DateTime.UtcNow + TerminateWait;
                while (DateTime.UtcNow < deadline)
                {
                    instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false);
                    if (instance is null || IsTerminal(instance.RuntimeStatus))
                    {
                        break;
                    }

                    await Task.Delay(100);
                }
            }

            await client.PurgeInstanceAsync(instanceId);
            if (wasRunning)
            {
                await PurgeLateRowAsync(client, instanceId);
            }
        }
        catch (Exception ex)
        {
            // The record is about to be removed; a workflow step that runs later finds nothing and stops.
            Log.PurgeFailed(logger, ex, instanceId);
        }
    }

    /// <summary>
    /// A terminate or event queued by a racing request (another DELETE, a cancel) before the purge can be processed after
    /// it and bring back a "Terminated" row: look a few times within about a second and purge it again.
    /// </summary>
    private static async Task PurgeLateRowAsync(DurableTaskClient client, string instanceId)
    {
        foreach (var pause in LateRowChecks)
        {
            await Task.Delay(pause);
            var late = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false);
            if (late is not null && IsTerminal(late.RuntimeStatus))
            {
                await client.PurgeInstanceAsync(instanceId);
            }
        }
    }

    private static bool IsTerminal(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Could not terminate/purge the orchestration {InstanceId}")]
        public static partial void PurgeFailed(ILogger logger, Exception exception, string instanceId);
    }
}
