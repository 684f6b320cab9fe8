using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.OpenAI;

/// <summary>Source-generated log messages of the OpenAI client. Never the key, never a query string, never bytes.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "openai {Endpoint} for {Model} answered in {Elapsed}")]
    public static partial void Called(ILogger logger, string endpoint, string model, TimeSpan elapsed);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "openai {Endpoint} for {Model} failed with HTTP {StatusCode}: {Category}, retryable {Retryable}")]
    public static partial void CallFailed(ILogger logger, string endpoint, string model, int statusCode, ErrorCategory category, bool retryable);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "openai {Endpoint} for {Model} failed at the network level")]
    public static partial void TransportFailed(ILogger logger, string endpoint, string model, Exception exception);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Warning, Message = "openai {Endpoint} for {Model} got no answer within {Timeout}")]
    public static partial void TimedOut(ILogger logger, string endpoint, string model, TimeSpan timeout);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "openai API key is not configured (Providers:OpenAI:ApiKey); {Endpoint} refused")]
    public static partial void MissingKey(ILogger logger, string endpoint);
}
