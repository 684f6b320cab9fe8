using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace TaskFunctions.Core.Telemetry;

/// <summary>OpenTelemetry for both hosts: our sources plus outgoing HTTP, exported to App Insights or the console.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The standard App Insights connection string setting.</summary>
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Registers tracing and metrics. <paramref name="configureTracing"/> lets a host add its own instrumentation
    /// (the self-host adds ASP.NET Core request spans; the Functions host records requests itself).
    /// </summary>
    public static IServiceCollection AddTaskFunctionsTelemetry(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<TracerProviderBuilder>? configureTracing = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.SectionName).Bind(options);
        var appInsights = configuration[AppInsightsSetting];
        var taskHub = configuration["TASKHUB_NAME"];

        var builder = services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                // The Durable backend polls its own queues and tables every second; those calls (named after the task
                // hub) would drown the traces, so only the service's own outgoing calls are recorded.
                tracing.AddSource(TaskTelemetry.SourceName).AddHttpClientInstrumentation(http =>
                    http.FilterHttpRequestMessage = request => !IsTaskHubTraffic(request.RequestUri, taskHub));
                configureTracing?.Invoke(tracing);
            })
            .WithMetrics(metrics => metrics.AddMeter(TaskTelemetry.SourceName).AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(appInsights))
        {
            builder.UseAzureMonitorExporter(exporter => exporter.ConnectionString = appInsights);
        }
        else if (options.Console)
        {
            builder.WithTracing(tracing => tracing.AddConsoleExporter()).WithMetrics(metrics => metrics.AddConsoleExporter());
        }

        return services;
    }

    private static bool IsTaskHubTraffic(Uri? uri, string? taskHub) =>
        uri is not null && !string.IsNullOrEmpty(taskHub) && uri.AbsolutePath.Contains(taskHub, StringComparison.OrdinalIgnoreCase);
}
