namespace TaskFunctions.Core.Webhooks;

/// <summary>What one webhook delivery attempt means for the next step.</summary>
public enum WebhookDeliveryOutcome
{
    /// <summary>The receiver answered 2xx: done.</summary>
    Delivered,

    /// <summary>Worth another attempt later: 3xx (redirects are not followed), 408, 429, 5xx, any other non-2xx except 410, timeouts and network failures.</summary>
    Retry,

    /// <summary>The receiver answered 410 Gone: stop and disable the webhook.</summary>
    Gone,

    /// <summary>The target is not allowed (private address, not http or https): permanent, never retried, nothing was sent.</summary>
    Refused,
}
