using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Providers;

/// <summary>
/// The plumbing the provider clients share around one HTTP exchange: the per-call timeout (told apart from the caller's
/// cancellation), the journal entry of a call that got no answer, the failure it becomes, and the journal entry and
/// failure of an answered call. Provider-specific logging is passed in; nothing here retries.
/// </summary>
internal static class ProviderHttp
{
    /// <summary>
    /// Sends <paramref name="message"/> bounded by <paramref name="requestTimeout"/> and reads the answer with
    /// <paramref name="read"/> (the response is disposed afterwards). A cancel by the caller is journaled and rethrown; a
    /// timeout or transport failure is journaled, logged through <paramref name="timedOut"/> / <paramref name="transportFailed"/>
    /// and thrown as a <see cref="ProviderException"/> of <paramref name="providerName"/>.
    /// </summary>
    /// <param name="started">The <see cref="Stopwatch.GetTimestamp"/> the call's duration is measured from.</param>
    public static async Task<T> SendAsync<T>(
        HttpClient http,
        HttpRequestMessage message,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        string providerName,
        TimeSpan requestTimeout,
        ServiceRequestLog log,
        string? jobId,
        long started,
        Action timedOut,
        Action<Exception> transportFailed,
        CancellationToken cancellationToken)
    {
        var url = message.RequestUri!;
        var method = message.Method.Method;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return await read(response, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Add(method, url, null, Stopwatch.GetElapsedTime(started), jobId, "cancelled by the caller");
            throw;
        }
        catch (OperationCanceledException ex)
        {
            var failure = HttpFailureClassifier.Timeout(providerName, requestTimeout);
            log.Add(method, url, null, Stopwatch.GetElapsedTime(started), jobId, failure.Message);
            timedOut();
            throw new ProviderException(failure, ex);
        }
        catch (Exception ex) when (HttpFailureClassifier.IsTransportFailure(ex))
        {
            var failure = HttpFailureClassifier.Transport(providerName, ex);
            log.Add(method, url, null, Stopwatch.GetElapsedTime(started), jobId, failure.Message);
            transportFailed(ex);
            throw new ProviderException(failure, ex);
        }
    }

    /// <summary>
    /// Journals an answered call; when <paramref name="failure"/> is set it is logged through <paramref name="callFailed"/>
    /// and thrown as a <see cref="ProviderException"/>.
    /// </summary>
    public static void Settle(
        ServiceRequestLog log,
        HttpRequestMessage message,
        int statusCode,
        TimeSpan elapsed,
        string? requestId,
        ProviderFailure? failure,
        Action<ProviderFailure> callFailed,
        TimeSpan? providerTime = null)
    {
        log.Add(message.Method.Method, message.RequestUri!, statusCode, elapsed, requestId, failure?.Message, providerTime);
        if (failure is not null)
        {
            callFailed(failure);
            throw new ProviderException(failure);
        }
    }

    /// <summary><paramref name="failure"/> with every occurrence of <paramref name="secret"/> in its message masked.</summary>
    public static ProviderFailure? WithoutSecret(ProviderFailure? failure, string? secret) =>
        failure is not null && !string.IsNullOrWhiteSpace(secret) && failure.Message.Contains(secret, StringComparison.Ordinal)
            ? failure with { Message = failure.Message.Replace(secret, "***", StringComparison.Ordinal) }
            : failure;

    /// <summary>The body as JSON; null when it is empty or not JSON.</summary>
    public static JsonNode? ParseJson(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The first non-empty value of header <paramref name="name"/>, trimmed.</summary>
    public static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } value ? value.Trim() : null;
}
