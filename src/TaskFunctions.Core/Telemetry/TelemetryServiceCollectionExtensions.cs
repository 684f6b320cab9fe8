using System.Diagnostics;
using System.Net;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TaskFunctions.Core.Telemetry;

/// <summary>
/// OpenTelemetry for both hosts: our sources plus outgoing HTTP, exported to an OTLP endpoint
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) and/or App Insights (<c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>); nothing is
/// printed unless <c>Telemetry__Console=true</c> asks for it.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The standard App Insights connection string setting.</summary>
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The standard OTLP endpoint setting (protocol, headers etc. are read by the exporter from the other OTEL_EXPORTER_OTLP_* variables).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard service name setting.</summary>
    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    /// <summary>service.name when <see cref="ServiceNameSetting"/> is not set.</summary>
    public const string DefaultServiceName = "taskfunctions";

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
        var otlp = configuration[OtlpEndpointSetting];
        var taskHub = configuration["TASKHUB_NAME"];

        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName(configuration)))
            .WithTracing(tracing =>
            {
                // The Durable backend polls its own queues and tables every second; those calls (named after the task
                // hub) would drown the traces, so only the service's own outgoing calls are recorded.
                tracing.AddSource(TaskTelemetry.SourceName).AddHttpClientInstrumentation(http =>
                {
                    http.FilterHttpRequestMessage = request => !IsTaskHubTraffic(request.RequestUri, taskHub);
                    http.EnrichWithHttpResponseMessage = (activity, response) => ClearExpectedStorageError(activity, response);
                });
                configureTracing?.Invoke(tracing);
            })
            .WithMetrics(metrics => metrics.AddMeter(TaskTelemetry.SourceName).AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(otlp))
        {
            // The exporter reads the endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* settings.
            builder.WithTracing(tracing => tracing.AddOtlpExporter()).WithMetrics(metrics => metrics.AddOtlpExporter());
        }

        if (!string.IsNullOrWhiteSpace(appInsights))
        {
            builder.UseAzureMonitorExporter(exporter => exporter.ConnectionString = appInsights);
        }

        if (options.Console)
        {
            builder.WithTracing(tracing => tracing.AddConsoleExporter()).WithMetrics(metrics => metrics.AddConsoleExporter());
        }

        return services;
    }

    /// <summary><c>OTEL_SERVICE_NAME</c>, else <see cref="DefaultServiceName"/>.</summary>
    public static string ServiceName(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ServiceNameSetting];
        return string.IsNullOrWhiteSpace(configured) ? DefaultServiceName : configured.Trim();
    }

    /// <summary>
    /// Storage answers the service expects are not failures: 409 "…AlreadyExists" on create-if-not-exists and 404 on
    /// existence probes. The HTTP instrumentation marks every 4xx client span as an error; those are set back.
    /// </summary>
    internal static void ClearExpectedStorageError(Activity activity, HttpResponseMessage response)
    {
        if (IsExpectedStorageAnswer(response))
        {
            activity.SetStatus(ActivityStatusCode.Unset);
            activity.SetTag("error.type", null);
        }
    }

    internal static bool IsExpectedStorageAnswer(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.Headers.TryGetValues("x-ms-error-code", out var codes))
        {
            return false;
        }

        var code = codes.FirstOrDefault() ?? string.Empty;
        return response.StatusCode switch
        {
            HttpStatusCode.Conflict => code.EndsWith("AlreadyExists", StringComparison.Ordinal),
            HttpStatusCode.NotFound => code.EndsWith("NotFound", StringComparison.Ordinal),
            _ => false,
        };
    }

    private static bool IsTaskHubTraffic(Uri? uri, string? taskHub) =>
        uri is not null && !string.IsNullOrEmpty(taskHub) && uri.AbsolutePath.Contains(taskHub, StringComparison.OrdinalIgnoreCase);
}
