using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.ComfyUI;

/// <summary>Source-generated log messages of the ComfyUI client. Never the key, never a query string, never bytes.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8301, Level = LogLevel.Information, Message = "ComfyUI prompt {PromptId} queued from workflow {Workflow} after {Uploads} upload(s)")]
    public static partial void Submitted(ILogger logger, string workflow, string promptId, int uploads);

    [LoggerMessage(EventId = 8302, Level = LogLevel.Warning, Message = "ComfyUI {Operation} failed with HTTP {StatusCode}: {Category}, retryable {Retryable}")]
    public static partial void CallFailed(ILogger logger, string operation, int statusCode, ErrorCategory category, bool retryable);

    [LoggerMessage(EventId = 8303, Level = LogLevel.Warning, Message = "ComfyUI {Operation} failed at the network level")]
    public static partial void TransportFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 8304, Level = LogLevel.Warning, Message = "ComfyUI {Operation} got no answer within {Timeout}")]
    public static partial void TimedOut(ILogger logger, string operation, TimeSpan timeout);

    [LoggerMessage(EventId = 8305, Level = LogLevel.Information, Message = "ComfyUI prompt {PromptId} cancel: {Outcome}")]
    public static partial void Cancelled(ILogger logger, string promptId, string outcome);

    [LoggerMessage(EventId = 8306, Level = LogLevel.Warning, Message = "ComfyUI prompt {PromptId} has {Count} output files; only the first {Kept} are read")]
    public static partial void TooManyFiles(ILogger logger, string promptId, int count, int kept);

    [LoggerMessage(EventId = 8307, Level = LogLevel.Information, Message = "ComfyUI lookup of an unconfirmed prompt {PromptId}: {Outcome}")]
    public static partial void Lookup(ILogger logger, string promptId, string outcome);
}
