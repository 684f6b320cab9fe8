namespace TaskFunctions.Core.Telemetry;

/// <summary>Telemetry export settings (section <c>Telemetry</c>; App Insights from the standard variable).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Write spans and metrics to the console when App Insights is not configured.</summary>
    public bool Console { get; set; } = true;
}
