using OpenTelemetry.Trace;
using TaskFunctions.Core;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Telemetry;
using TaskFunctions.SelfHost;
using TaskFunctions.SelfHost.Durable;

if (args.Length > 0 && args[0] == "token")
{
    return DevTokenCommand.Run(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);

// One short line per log event; levels come from Logging:LogLevel (appsettings.json: TaskFunctions at Information,
// framework, Azure SDK and Durable internals at Warning). Spans and metrics are exported, never printed (see README).
builder.Logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.IncludeScopes = false;
    console.TimestampFormat = "HH:mm:ss ";
});
builder.Services.AddTaskFunctionsCore();
builder.Services.AddTaskFunctionsTelemetry(builder.Configuration, tracing => tracing.AddAspNetCoreInstrumentation());
builder.AddDurableSidecar();

// gRPC would otherwise map a POST catch-all for unknown services ("{service}/{method}", on the sidecar's port only)
// that turns every two-segment API path's 405 into a 404.
builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.IgnoreUnknownServices = true);

// One body limit for the whole service: Kestrel's own cap (30 MB by default) would otherwise refuse bodies the API
// accepts, as an exception. The API reads bodies itself and answers anything above the limit with its 422.
var apiOptions = builder.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = apiOptions.MaxBodyBytes);

var app = builder.Build();

// Outermost, so the line carries the final status (including the status-code pages' answers).
app.UseMiddleware<RequestLogMiddleware>();

// Routing's own 404/405 (and any other error without a body) get FastAPI's {"detail": "..."}; Allow stays as set.
app.UseStatusCodePages(context => ApiResult.ReasonPhrase(context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
app.MapDurableSidecar();
app.MapTasksApi();
await app.RunAsync();
return 0;
