namespace TaskFunctions.Core.Webhooks;

/// <summary>The result of one webhook delivery attempt.</summary>
/// <param name="Outcome">Delivered, Retry, Gone or Refused.</param>
/// <param name="StatusCode">The receiver's HTTP status; null when no answer arrived (refused, timeout, network failure).</param>
/// <param name="RetryAfter">The receiver's Retry-After as a wait, uncapped; feed it to <see cref="WebhookOptions.DelayBeforeRetry"/>.</param>
/// <param name="Error">Why the attempt did not deliver, safe to store and show to the webhook's owner; null when delivered.</param>
/// <param name="DurationMs">Wall time of the attempt in milliseconds.</param>
public sealed record WebhookAttemptResult(
    WebhookDeliveryOutcome Outcome,
    int? StatusCode,
    TimeSpan? RetryAfter,
    string? Error,
    double DurationMs);
