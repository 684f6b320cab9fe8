namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.DeliverWebhook"/>: the task and the 1-based delivery attempt.</summary>
public sealed record WebhookDeliveryInput(string TaskId, int Attempt);
