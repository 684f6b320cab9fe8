using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>
/// Self-host settings pointing fal at the fake server and webhooks at the test receiver, with retry, polling and
/// webhook schedules shortened from minutes to fractions of a second (the production defaults are in the sample settings).
/// </summary>
public static class ProviderTestSettings
{
    public static Dictionary<string, string> For(FakeFalServer fal, WebhookSink webhooks, ImageServer? images = null)
    {
        ArgumentNullException.ThrowIfNull(fal);
        ArgumentNullException.ThrowIfNull(webhooks);
        var settings = new Dictionary<string, string>
        {
            ["Outbound__AllowedHosts__0"] = images?.HostPort ?? fal.HostPort,
            ["Outbound__AllowedHosts__1"] = fal.HostPort,
            ["Outbound__AllowedHosts__2"] = webhooks.HostPort,
            ["Providers__Fal__BaseUrl"] = fal.BaseUrl.ToString(),
            ["Providers__Fal__ApiKey"] = fal.ApiKey,
            ["Providers__Fal__RequestTimeout"] = "00:00:02",
            ["Providers__Fal__Retry__MaxAttempts"] = "3",
            ["Providers__Fal__Retry__FirstRetryInterval"] = "00:00:00.200",
            ["Providers__Fal__Retry__MaxRetryInterval"] = "00:00:01",
            ["Providers__Fal__Polling__FirstInterval"] = "00:00:00.200",
            ["Providers__Fal__Polling__MaxInterval"] = "00:00:00.500",
            ["Providers__Fal__Polling__Deadline"] = "00:00:08",
            ["Providers__Fal__Polling__MaxPollFailures"] = "3",
            ["Webhooks__SigningSecret"] = webhooks.Secret,
            ["Webhooks__Timeout"] = "00:00:03",
            ["Webhooks__MaxAttempts"] = "4",
            ["Webhooks__RetrySchedule__0"] = "00:00:00.500",
            ["Webhooks__RetrySchedule__1"] = "00:00:01",
            ["Webhooks__RetrySchedule__2"] = "00:00:01",
        };
        return settings;
    }
}
