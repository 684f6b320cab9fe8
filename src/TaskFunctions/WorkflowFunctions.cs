using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;

namespace TaskFunctions;

/// <summary>Orchestrator and activity triggers: each a one-liner into Core, named from <see cref="TaskNames"/>.</summary>
public sealed class WorkflowFunctions(
    StartTaskActivity startTask,
    ExecuteLocalTaskActivity executeLocalTask,
    CompleteTaskActivity completeTask,
    FailTaskActivity failTask)
{
    [Function(TaskNames.TaskOrchestration)]
    public static Task TaskOrchestrationTrigger([OrchestrationTrigger] TaskOrchestrationContext context) =>
        TaskOrchestration.RunAsync(context, context.GetInput<TaskOrchestrationInput>()!);

    [Function(TaskNames.StartTask)]
    public Task<StartTaskResult> StartTask([ActivityTrigger] string taskId, FunctionContext context) =>
        startTask.RunAsync(taskId, context.CancellationToken);

    [Function(TaskNames.ExecuteLocalTask)]
    public Task<ExecutionOutcome> ExecuteLocalTask([ActivityTrigger] string taskId, FunctionContext context) =>
        executeLocalTask.RunAsync(taskId, context.CancellationToken);

    [Function(TaskNames.CompleteTask)]
    public Task<bool> CompleteTask([ActivityTrigger] CompleteTaskInput input, FunctionContext context) =>
        completeTask.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.FailTask)]
    public Task<bool> FailTask([ActivityTrigger] FailTaskInput input, FunctionContext context) =>
        failTask.RunAsync(input, context.CancellationToken);
}
