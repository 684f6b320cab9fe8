using Microsoft.DurableTask;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// The one orchestration each task runs: mark RUNNING, run the kind's executor raced against a cancel
/// event, then mark COMPLETED or FAILED. Deterministic: no I/O, no clocks, only activities and events.
/// </summary>
public static class TaskOrchestration
{
    public static async Task RunAsync(TaskOrchestrationContext context, TaskOrchestrationInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        var start = await context.CallActivityAsync<StartTaskResult>(TaskNames.StartTask, input.TaskId);
        if (!start.Proceed)
        {
            return;
        }

        var executor = ExecutorCatalog.Find(input.TaskType, input.ProviderType);
        if (executor is null)
        {
            await context.CallActivityAsync<bool>(
                TaskNames.FailTask,
                new FailTaskInput(input.TaskId, ExecutorCatalog.MissingMessage(input.TaskType, input.ProviderType), ErrorCategory.INTERNAL));
            return;
        }

        using var stopWaiting = new CancellationTokenSource();
        var cancelled = context.WaitForExternalEvent<string>(TaskNames.CancelEvent, stopWaiting.Token);
        var execution = context.CallActivityAsync<ExecutionOutcome>(executor, input.TaskId);

        if (await Task.WhenAny(execution, cancelled) == cancelled)
        {
            // The cancel route already wrote CANCELLED. The in-flight step is short (one I/O step), so wait for it and
            // hand its result to CompleteTask, which refuses to touch a terminal task and deletes the late result files.
            try
            {
                var late = await execution;
                if (late.Succeeded)
                {
                    await context.CallActivityAsync<bool>(TaskNames.CompleteTask, new CompleteTaskInput(input.TaskId, late.Results ?? []));
                }
            }
            catch (TaskFailedException)
            {
                // Nothing was produced; nothing to discard.
            }

            return;
        }

        stopWaiting.Cancel();
        ExecutionOutcome outcome;
        try
        {
            outcome = await execution;
        }
        catch (TaskFailedException ex)
        {
            await context.CallActivityAsync<bool>(
                TaskNames.FailTask,
                new FailTaskInput(input.TaskId, $"Executor failed: {ex.FailureDetails.ErrorMessage}", ErrorCategory.INTERNAL));
            return;
        }

        if (outcome.Succeeded)
        {
            await context.CallActivityAsync<bool>(TaskNames.CompleteTask, new CompleteTaskInput(input.TaskId, outcome.Results ?? []));
        }
        else
        {
            await context.CallActivityAsync<bool>(
                TaskNames.FailTask,
                new FailTaskInput(input.TaskId, outcome.Error ?? "Task failed.", outcome.Category ?? ErrorCategory.INTERNAL));
        }
    }
}
