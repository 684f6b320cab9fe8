using System.Text.Json.Nodes;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>One outbound call, as kept in a task's <c>service_requests</c>: never keys, query secrets or bodies.</summary>
/// <param name="ProviderTimeMs">The compute time the provider reported for the job (e.g. Replicate's <c>metrics.predict_time</c>), when it did.</param>
public sealed record ServiceRequestRecord(
    string Provider,
    string Method,
    string Url,
    int? StatusCode,
    double DurationMs,
    string? ProviderRequestId,
    int Attempt,
    DateTimeOffset At,
    string? Error = null,
    double? ProviderTimeMs = null)
{
    public JsonObject ToJson()
    {
        var json = Fields();
        if (ProviderTimeMs is { } providerTime)
        {
            json["provider_time_ms"] = Math.Round(providerTime, 1);
        }

        return json;
    }

    private JsonObject Fields() => new()
    {
        ["provider"] = Provider,
        ["method"] = Method,
        ["url"] = Url,
        ["status_code"] = StatusCode,
        ["duration_ms"] = Math.Round(DurationMs, 1),
        ["provider_request_id"] = ProviderRequestId,
        ["attempt"] = Attempt,
        ["at"] = At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["error"] = Error,
    };
}

/// <summary>Collects the outbound calls of one activity; the activity appends them to the task record.</summary>
public sealed class ServiceRequestLog(ProviderType provider, int attempt, TimeProvider time)
{
    private readonly List<ServiceRequestRecord> entries = [];

    public ProviderType Provider { get; } = provider;

    /// <summary>The task-level attempt this call belongs to (1-based, counting across primary and fallback).</summary>
    public int Attempt { get; } = attempt;

    public IReadOnlyList<ServiceRequestRecord> Entries => entries;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Adds calls an earlier step made and did not journal itself.</summary>
    public void AddRange(IEnumerable<ServiceRequestRecord>? records)
    {
        if (records is not null)
        {
            entries.AddRange(records);
        }
    }

    /// <summary>Records one call. <paramref name="url"/> is reduced to scheme, host and path (no query, no user info).</summary>
    /// <param name="providerTime">The job's compute time as the provider reported it in this answer, if it did.</param>
    public void Add(string method, Uri url, int? statusCode, TimeSpan duration, string? providerRequestId, string? error = null, TimeSpan? providerTime = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        entries.Add(new ServiceRequestRecord(
            Provider.ToString(), method, Redact(url), statusCode, duration.TotalMilliseconds, providerRequestId, Attempt, time.GetUtcNow() - duration, error, providerTime?.TotalMilliseconds));
    }

    /// <summary>Scheme, host, port and path only: query strings can carry tokens, user info carries credentials.</summary>
    public static string Redact(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : "(relative)";
    }
}
