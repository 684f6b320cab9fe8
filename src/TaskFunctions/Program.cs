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
builder.Services.AddTaskFunctionsTelemetry(builder.Configuration, tracing => tracing.AddSource("Microsoft.Azure.Functions.Worker"));
builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
builder.Build().Run();
