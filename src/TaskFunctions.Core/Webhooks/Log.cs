using Microsoft.Extensions.Logging;

namespace TaskFunctions.Core.Webhooks;

/// <summary>Source-generated log messages of the webhook slice.</summary>
internal static partial class Log
{
    // Hosts only: webhook URLs often carry tokens in their path or query.
    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Webhooks:SigningSecret is empty: webhooks are delivered without webhook-signature")]
    public static partial void Unsigned(ILogger logger);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Webhook {WebhookId} delivered to {Host}: HTTP {Status} in {DurationMs} ms")]
    public static partial void Delivered(ILogger logger, string webhookId, string host, int status, double durationMs);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Information, Message = "Webhook {WebhookId} attempt to {Host} failed (HTTP {Status}) after {DurationMs} ms, will retry: {Error}")]
    public static partial void AttemptFailed(ILogger logger, string webhookId, string host, int? status, string error, double durationMs);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Warning, Message = "Webhook {WebhookId} to {Host} stopped ({Outcome}): {Error}")]
    public static partial void Stopped(ILogger logger, string webhookId, string host, WebhookDeliveryOutcome outcome, string error);
}
