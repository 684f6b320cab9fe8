using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// Counts this process's outgoing HTTP requests per (port, method) with their summed duration, from the runtime's own
/// <c>http.client.request.duration</c> metric (System.Net.Http): with the host in-process, that is every storage call
/// the Durable backend and the activities make, split by Azurite service port. Diagnostics only; costs one dictionary
/// update per request.
/// </summary>
public sealed class HttpCallCounter : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(int Port, string Method), Tally> tallies = new();

    public HttpCallCounter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "System.Net.Http" && instrument.Name == "http.client.request.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            var port = 0;
            var method = "?";
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "server.port" when tag.Value is int p:
                        port = p;
                        break;
                    case "http.request.method" when tag.Value is string m:
                        method = m;
                        break;
                }
            }

            var tally = tallies.GetOrAdd((port, method), _ => new Tally());
            Interlocked.Increment(ref tally.Count);
            lock (tally)
            {
                tally.Seconds += seconds;
            }
        });
        listener.Start();
    }

    /// <summary>Counts and summed seconds so far, per (port, method).</summary>
    public IReadOnlyDictionary<(int Port, string Method), (long Count, double Seconds)> Snapshot() =>
        tallies.ToDictionary(pair => pair.Key, pair =>
        {
            lock (pair.Value)
            {
                return (Interlocked.Read(ref pair.Value.Count), pair.Value.Seconds);
            }
        });

    /// <summary><paramref name="after"/> minus <paramref name="before"/>.</summary>
    public static IReadOnlyDictionary<(int Port, string Method), (long Count, double Seconds)> Difference(
        IReadOnlyDictionary<(int Port, string Method), (long Count, double Seconds)> before,
        IReadOnlyDictionary<(int Port, string Method), (long Count, double Seconds)> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return after.ToDictionary(pair => pair.Key, pair =>
            before.TryGetValue(pair.Key, out var old) ? (pair.Value.Count - old.Count, pair.Value.Seconds - old.Seconds) : pair.Value);
    }

    public void Dispose() => listener.Dispose();

    private sealed class Tally
    {
        public long Count;
        public double Seconds;
    }
}
