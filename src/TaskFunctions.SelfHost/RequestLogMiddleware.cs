using System.Diagnostics;
using Microsoft.AspNetCore.Routing;
using TaskFunctions.Core.Api;

namespace TaskFunctions.SelfHost;

/// <summary>
/// One concise Information line per API request (method, route template or path, status, elapsed ms, task id when
/// the route has one); health probes and the docs page's files at Debug. The Durable sidecar's gRPC traffic (not under
/// /api) is not logged.
/// </summary>
public sealed partial class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    private const string ApiPrefix = "/" + ApiRoutes.Prefix;
    private const string HealthPath = ApiPrefix + "/" + ApiRoutes.HealthProbe;
    private const string DocsPath = ApiPrefix + "/" + ApiRoutes.DocsPage;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Path.StartsWithSegments(ApiPrefix, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            Write(context, failed, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private void Write(HttpContext context, bool failed, long elapsedMs)
    {
        var request = context.Request;
        var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        if (request.Path.Equals(HealthPath, StringComparison.OrdinalIgnoreCase))
        {
            HealthRequest(logger, request.Method, status, elapsedMs);
            return;
        }

        // One page view fetches a dozen files: not worth a line each at Information.
        if (request.Path.StartsWithSegments(DocsPath, StringComparison.OrdinalIgnoreCase))
        {
            DocsRequest(logger, request.Method, request.Path.Value ?? DocsPath, status, elapsedMs);
            return;
        }

        // The template keeps lines short and groupable; the path shows what routing did not match (the fallback's
        // catch-all template would hide it).
        var endpoint = context.GetEndpoint() as RouteEndpoint;
        var route = endpoint?.RoutePattern.RawText is { } template && endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName != ApiRoutes.NotFound.Name
            ? "/" + template.TrimStart('/')
            : request.Path.Value ?? string.Empty;
        if (context.GetRouteValue("task_id") is string taskId)
        {
            TaskRequest(logger, request.Method, route, status, elapsedMs, taskId);
        }
        else
        {
            Request(logger, request.Method, route, status, elapsedMs);
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "{Method} {Route} {StatusCode} {ElapsedMs} ms")]
    private static partial void Request(ILogger logger, string method, string route, int statusCode, long elapsedMs);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "{Method} {Route} {StatusCode} {ElapsedMs} ms task {TaskId}")]
    private static partial void TaskRequest(ILogger logger, string method, string route, int statusCode, long elapsedMs, string taskId);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Debug, Message = "{Method} /api/health {StatusCode} {ElapsedMs} ms")]
    private static partial void HealthRequest(ILogger logger, string method, int statusCode, long elapsedMs);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Debug, Message = "{Method} {Path} {StatusCode} {ElapsedMs} ms")]
    private static partial void DocsRequest(ILogger logger, string method, string path, int statusCode, long elapsedMs);
}
