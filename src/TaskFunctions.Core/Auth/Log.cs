using Microsoft.Extensions.Logging;

namespace TaskFunctions.Core.Auth;

/// <summary>Source-generated log messages of the auth slice.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Bearer token rejected: {Reason}")]
    public static partial void TokenRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Signing keys could not be loaded from the OpenID Connect authority")]
    public static partial void SigningKeysUnavailable(ILogger logger, Exception exception);
}
