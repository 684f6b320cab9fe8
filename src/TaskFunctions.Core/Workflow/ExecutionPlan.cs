namespace TaskFunctions.Core.Workflow;

/// <summary>The providers to try in order, and whether a webhook is to be sent at the end.</summary>
public sealed record ExecutionPlan(IReadOnlyList<ProviderStage> Stages, bool HasWebhook);
