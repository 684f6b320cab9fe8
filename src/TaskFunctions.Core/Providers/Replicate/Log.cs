using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Replicate;

/// <summary>Source-generated log messages of the Replicate client. Never the token, never a query string, never input.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "replicate prediction {PredictionId} created for {Model}")]
    public static partial void Created(ILogger logger, string model, string predictionId);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "replicate {Operation} for {Model} failed with HTTP {StatusCode}: {Category}, retryable {Retryable}")]
    public static partial void CallFailed(ILogger logger, string operation, string model, int statusCode, ErrorCategory category, bool retryable);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "replicate {Operation} for {Model} failed at the network level")]
    public static partial void TransportFailed(ILogger logger, string operation, string model, Exception exception);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Warning, Message = "replicate {Operation} for {Model} got no answer within {Timeout}")]
    public static partial void TimedOut(ILogger logger, string operation, string model, TimeSpan timeout);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "replicate API token is not configured (Providers:Replicate:ApiToken); {Operation} refused")]
    public static partial void MissingToken(ILogger logger, string operation);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Information, Message = "replicate prediction {PredictionId} cancel: {Outcome}")]
    public static partial void Cancelled(ILogger logger, string predictionId, string outcome);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Information, Message = "replicate lookup of an unconfirmed {Model} create: {Matches} matching prediction(s)")]
    public static partial void Lookup(ILogger logger, string model, int matches);
}
