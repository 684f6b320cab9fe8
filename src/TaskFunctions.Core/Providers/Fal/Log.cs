using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>Source-generated log messages of the fal.ai queue client. Never the key, never a query string.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "fal job {RequestId} submitted to {AppId}")]
    public static partial void Submitted(ILogger logger, string appId, string requestId);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "fal {Operation} for {AppId} failed with HTTP {StatusCode}: {Category}, retryable {Retryable}")]
    public static partial void CallFailed(ILogger logger, string operation, string appId, int statusCode, ErrorCategory category, bool retryable);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "fal {Operation} for {AppId} failed at the network level")]
    public static partial void TransportFailed(ILogger logger, string operation, string appId, Exception exception);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "fal {Operation} for {AppId} got no answer within {Timeout}")]
    public static partial void TimedOut(ILogger logger, string operation, string appId, TimeSpan timeout);

    // The returned URL is not called: it would receive our key.
    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "fal returned a {Kind} URL on {Host}, not on the configured queue host; the URL is built instead")]
    public static partial void ForeignUrlIgnored(ILogger logger, string kind, string host);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "fal API key is not configured (Providers:Fal:ApiKey); {Operation} refused")]
    public static partial void MissingKey(ILogger logger, string operation);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Information, Message = "fal job {RequestId} cancel: {Outcome}")]
    public static partial void Cancelled(ILogger logger, string requestId, string outcome);
}
