namespace TaskFunctions.Core.Workflow;

/// <summary>Outcome of one delivery attempt: the delivery state, and the wait before the next attempt (null: stop).</summary>
public sealed record WebhookDeliveryResult(string State, TimeSpan? RetryAfter);
