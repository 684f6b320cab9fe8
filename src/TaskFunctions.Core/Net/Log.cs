using System.Net;
using Microsoft.Extensions.Logging;

namespace TaskFunctions.Core.Net;

/// <summary>Source-generated log messages of the outbound (SSRF guard) slice.</summary>
internal static partial class Log
{
    // Logs may name the resolved address (operators need it); API messages never do.
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Outbound request to {Host}:{Port} refused: address {Address} is forbidden")]
    public static partial void ForbiddenAddress(ILogger logger, string host, int port, IPAddress address);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Outbound {Method} to {Host} failed ({Kind}): {Reason}")]
    public static partial void RequestFailed(ILogger logger, string method, string host, OutboundFailure kind, string reason);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "Outbound {Method} to {Host} failed at the network level")]
    public static partial void NetworkFailure(ILogger logger, string method, string host, Exception exception);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Debug, Message = "Outbound fetch from {Host} succeeded: {Bytes} bytes after {Redirects} redirects")]
    public static partial void Fetched(ILogger logger, string host, long bytes, int redirects);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Debug, Message = "Outbound POST to {Host} answered HTTP {Status} in {ElapsedMs} ms")]
    public static partial void Posted(ILogger logger, string host, int status, double elapsedMs);
}
