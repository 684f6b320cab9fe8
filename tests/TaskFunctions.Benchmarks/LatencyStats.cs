namespace TaskFunctions.Benchmarks;

/// <summary>Percentiles of a set of latencies in milliseconds.</summary>
public sealed record LatencyStats(int Count, double P50, double P95, double P99, double Max)
{
    public static LatencyStats From(IReadOnlyCollection<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sorted = samples.Order().ToArray();
        return new LatencyStats(sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted[^1]);
    }

    private static double At(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    public override string ToString() => $"p50 {P50:F1} ms, p95 {P95:F1} ms, p99 {P99:F1} ms, max {Max:F1} ms (n={Count})";
}
