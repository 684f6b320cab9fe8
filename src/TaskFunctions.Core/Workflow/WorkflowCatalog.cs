using TaskFunctions.Core.Workflow.Activities;

namespace TaskFunctions.Core.Workflow;

/// <summary>The one list of activities both hosts register (the Functions app as triggers, the self-host by name).</summary>
public static class WorkflowCatalog
{
    public static IReadOnlyList<ActivityRegistration> Activities { get; } =
    [
        Register<StartTaskActivity, string, StartTaskResult>(TaskNames.StartTask),
        Register<ExecuteLocalTaskActivity, LocalTaskInput, ExecutionOutcome>(TaskNames.ExecuteLocalTask),
        Register<SubmitProviderJobActivity, JobAttemptInput, SubmitJobResult>(TaskNames.SubmitProviderJob),
        Register<PollProviderJobActivity, JobStepInput, PollJobResult>(TaskNames.PollProviderJob),
        Register<FetchProviderResultActivity, JobStepInput, ExecutionOutcome>(TaskNames.FetchProviderResult),
        Register<CallProviderActivity, JobAttemptInput, ExecutionOutcome>(TaskNames.CallProvider),
        Register<CancelProviderJobActivity, JobStepInput, bool>(TaskNames.CancelProviderJob),
        Register<ScoreFaceAttemptActivity, FaceScoreInput, double>(TaskNames.ScoreFaceAttempt),
        Register<FinishRefineActivity, FinishRefineInput, ExecutionOutcome>(TaskNames.FinishRefine),
        Register<RecordAttemptFailureActivity, AttemptFailureInput, bool>(TaskNames.RecordAttemptFailure),
        Register<ActivateFallbackActivity, string, bool>(TaskNames.ActivateFallback),
        Register<CompleteTaskActivity, CompleteTaskInput, bool>(TaskNames.CompleteTask),
        Register<FailTaskActivity, FailTaskInput, bool>(TaskNames.FailTask),
        Register<DeliverWebhookActivity, WebhookDeliveryInput, WebhookDeliveryResult>(TaskNames.DeliverWebhook),
    ];

    private static ActivityRegistration Register<TActivity, TInput, TOutput>(string name)
        where TActivity : ITaskActivity<TInput, TOutput> =>
        new(name, typeof(TActivity), typeof(TInput), typeof(TOutput));
}
