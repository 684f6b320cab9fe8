using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;

namespace TaskFunctions;

/// <summary>Orchestrator and activity triggers: each a one-liner into Core, named from <see cref="TaskNames"/>.</summary>
public sealed class WorkflowFunctions(
    StartTaskActivity startTask,
    ExecuteLocalTaskActivity executeLocalTask,
    SubmitProviderJobActivity submitProviderJob,
    PollProviderJobActivity pollProviderJob,
    FetchProviderResultActivity fetchProviderResult,
    CallProviderActivity callProvider,
    CancelProviderJobActivity cancelProviderJob,
    ScoreFaceAttemptActivity scoreFaceAttempt,
    FinishRefineActivity finishRefine,
    RecordAttemptFailureActivity recordAttemptFailure,
    ActivateFallbackActivity activateFallback,
    CompleteTaskActivity completeTask,
    FailTaskActivity failTask,
    DeliverWebhookActivity deliverWebhook)
{
    [Function(TaskNames.TaskOrchestration)]
    public static Task TaskOrchestrationTrigger([OrchestrationTrigger] TaskOrchestrationContext context) =>
        TaskOrchestration.RunAsync(context, context.GetInput<TaskOrchestrationInput>()!);

    [Function(TaskNames.StartTask)]
    public Task<StartTaskResult> StartTask([ActivityTrigger] string taskId, FunctionContext context) =>
        startTask.RunAsync(taskId, context.CancellationToken);

    [Function(TaskNames.ExecuteLocalTask)]
    public Task<ExecutionOutcome> ExecuteLocalTask([ActivityTrigger] LocalTaskInput input, FunctionContext context) =>
        executeLocalTask.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.SubmitProviderJob)]
    public Task<SubmitJobResult> SubmitProviderJob([ActivityTrigger] JobAttemptInput input, FunctionContext context) =>
        submitProviderJob.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.PollProviderJob)]
    public Task<PollJobResult> PollProviderJob([ActivityTrigger] JobStepInput input, FunctionContext context) =>
        pollProviderJob.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.FetchProviderResult)]
    public Task<ExecutionOutcome> FetchProviderResult([ActivityTrigger] JobStepInput input, FunctionContext context) =>
        fetchProviderResult.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.CallProvider)]
    public Task<ExecutionOutcome> CallProvider([ActivityTrigger] JobAttemptInput input, FunctionContext context) =>
        callProvider.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.CancelProviderJob)]
    public Task<bool> CancelProviderJob([ActivityTrigger] JobStepInput input, FunctionContext context) =>
        cancelProviderJob.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ScoreFaceAttempt)]
    public Task<double> ScoreFaceAttempt([ActivityTrigger] FaceScoreInput input, FunctionContext context) =>
        scoreFaceAttempt.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.FinishRefine)]
    public Task<ExecutionOutcome> FinishRefine([ActivityTrigger] FinishRefineInput input, FunctionContext context) =>
        finishRefine.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.RecordAttemptFailure)]
    public Task<bool> RecordAttemptFailure([ActivityTrigger] AttemptFailureInput input, FunctionContext context) =>
        recordAttemptFailure.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ActivateFallback)]
    public Task<bool> ActivateFallback([ActivityTrigger] string taskId, FunctionContext context) =>
        activateFallback.RunAsync(taskId, context.CancellationToken);

    [Function(TaskNames.CompleteTask)]
    public Task<bool> CompleteTask([ActivityTrigger] CompleteTaskInput input, FunctionContext context) =>
        completeTask.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.FailTask)]
    public Task<bool> FailTask([ActivityTrigger] FailTaskInput input, FunctionContext context) =>
        failTask.RunAsync(input, context.CancellationToken);

    [Function(TaskNames.DeliverWebhook)]
    public Task<WebhookDeliveryResult> DeliverWebhook([ActivityTrigger] WebhookDeliveryInput input, FunctionContext context) =>
        deliverWebhook.RunAsync(input, context.CancellationToken);
}
