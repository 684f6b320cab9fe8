using System.Collections.Concurrent;
using System.Diagnostics;

namespace TaskFunctions.Benchmarks;

/// <summary>Runs an operation a fixed number of times from N concurrent workers; bounded in count, never open-ended.</summary>
public static class Load
{
    public static async Task<(double PerSecond, LatencyStats Latency)> RunAsync(int total, int concurrency, Func<int, Task> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var latencies = new ConcurrentBag<double>();
        var next = -1;
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(i);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        await Task.WhenAll(workers);
        wall.Stop();
        return (total / wall.Elapsed.TotalSeconds, LatencyStats.From(latencies));
    }
}
