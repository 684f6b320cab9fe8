using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>RUNNING → COMPLETED with the executor's result fields; a task that already ended is left alone.</summary>
public sealed class CompleteTaskActivity(TaskMutator mutator, IBlobStore blobs, TimeProvider time, ILogger<CompleteTaskActivity> logger) : ITaskActivity<CompleteTaskInput, bool>
{
    public async Task<bool> RunAsync(CompleteTaskInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var fields = input.Results.ToDictionary(p => p.Key, p => JsonNode.Parse(p.Value.GetRawText()));
        var result = await mutator.MutateRecentAsync(input.TaskId, task =>
        {
            // Terminal states never change: a late result after CANCELLED is discarded here.
            if (task.Status.IsTerminal() || task.Internal.IsDeleted)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var completed = TaskPatch.Apply(task, fields);
            completed.Status = TaskState.COMPLETED;
            completed.Internal.ActiveJob = null;
            if (input.ServiceRequests is { Count: > 0 } calls)
            {
                ServiceRequestJournal.Append(completed, calls);
            }
            completed.Progress = 100;
            completed.CompletedAt = now;
            completed.UpdatedAt = now;
            return completed;
        }, cancellationToken);
        if (result?.Changed == true)
        {
            TaskTelemetry.TaskCompleted(result.Document.TaskType, result.Document.ProviderType);
            WorkflowLog.TaskCompleted(logger, result.Document);
            return true;
        }

        // A late result (the task was cancelled, cleaned up or deleted meanwhile) is discarded, files included; but never a
        // file the record itself holds in that field: a re-delivered completion finds the task COMPLETED with these results.
        var recorded = result is null ? null : JsonNode.Parse(TaskJson.SerializeDocument(result.Document))!.AsObject();
        foreach (var (name, value) in fields)
        {
            if (recorded is not null && JsonNode.DeepEquals(recorded[name], value))
            {
                continue;
            }

            if (value is JsonValue text && text.TryGetValue<string>(out var stored) && BlobPath.TryParse(stored, out var path)
                && path.Name.StartsWith(input.TaskId + "/", StringComparison.Ordinal) && !path.Name.Contains("/inputs/", StringComparison.Ordinal))
            {
                await blobs.DeleteAsync(path.Container, path.Name, cancellationToken);
            }
        }

        return false;
    }
}
