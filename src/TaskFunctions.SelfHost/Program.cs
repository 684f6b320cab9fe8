using OpenTelemetry.Trace;
using TaskFunctions.Core;
using TaskFunctions.Core.Telemetry;
using TaskFunctions.SelfHost;
using TaskFunctions.SelfHost.Durable;

if (args.Length > 0 && args[0] == "token")
{
    return DevTokenCommand.Run(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTaskFunctionsCore();
builder.Services.AddTaskFunctionsTelemetry(builder.Configuration, tracing => tracing.AddAspNetCoreInstrumentation());
builder.AddDurableSidecar();

var app = builder.Build();
app.MapDurableSidecar();
app.MapTasksApi();
await app.RunAsync();
return 0;
