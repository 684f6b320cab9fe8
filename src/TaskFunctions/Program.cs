using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using TaskFunctions.Core;
using TaskFunctions.Core.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddTaskFunctionsCore();

// The Functions defaults first: their resource detector names the service after the site; ours (registered after)
// wins, so service.name is "taskfunctions" (or OTEL_SERVICE_NAME) in both hosts.
builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
builder.Services.AddTaskFunctionsTelemetry(builder.Configuration, tracing => tracing.AddSource("Microsoft.Azure.Functions.Worker"));
builder.Build().Run();
