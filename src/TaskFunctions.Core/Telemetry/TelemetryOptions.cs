namespace TaskFunctions.Core.Telemetry;

/// <summary>Telemetry export settings (section <c>Telemetry</c>; OTLP and App Insights from their standard variables).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Debugging only: also dump every span and metric to the console (<c>Telemetry__Console=true</c>). Off by default:
    /// the console carries the concise log lines; spans and metrics go to OTLP and/or App Insights.
    /// </summary>
    public bool Console { get; set; }
}
