using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// Counts this process's outgoing HTTP requests with their summed duration, from the runtime's own HttpClient
/// diagnostics (<c>HttpHandlerDiagnosticListener</c>): with the host in-process, that is every storage call the Durable
/// backend and the activities make. Each call is keyed by port, method, the storage resource it addresses (table,
/// queue or blob container, from the URL path, with tenant index tables folded into one name) and the workflow step
/// it was made in (the nearest enclosing Durable Task activity span, when the worker traces one). Diagnostics only.
/// </summary>
public sealed partial class HttpCallCounter : IDisposable
{
    private readonly ConcurrentDictionary<CallKey, Tally> tallies = new();
    private readonly IDisposable subscription;
    private readonly ActivityListener spans;
    private IDisposable? handlerSubscription;

    public HttpCallCounter()
    {
        // The Durable Task worker's spans (one per orchestration and activity execution) only exist when sampled.
        spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.DurableTask", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(spans);
        subscription = DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            if (listener.Name == "HttpHandlerDiagnosticListener")
            {
                handlerSubscription = listener.Subscribe(new Observer<KeyValuePair<string, object?>>(OnEvent), name => name.StartsWith("System.Net.Http.HttpRequestOut", StringComparison.Ordinal));
            }
        }));
    }

    /// <summary>One call's identity: service port, method, storage resource ("" for non-storage) and workflow step ("" outside activities).</summary>
    public readonly record struct CallKey(int Port, string Method, string Resource, string Step);

    private void OnEvent(KeyValuePair<string, object?> evt)
    {
        if (evt.Key != "System.Net.Http.HttpRequestOut.Stop" || evt.Value is null || Activity.Current is not { } http)
        {
            return;
        }

        var request = evt.Value.GetType().GetProperty("Request")?.GetValue(evt.Value) as HttpRequestMessage;
        if (request?.RequestUri is not { } uri)
        {
            return;
        }

        var key = new CallKey(uri.Port, request.Method.Method, Resource(uri), Step(http.Parent));
        var tally = tallies.GetOrAdd(key, _ => new Tally());
        Interlocked.Increment(ref tally.Count);
        lock (tally)
        {
            tally.Seconds += http.Duration.TotalSeconds;
        }
    }

    /// <summary>The nearest enclosing Durable Task activity span's name (e.g. "StartTask"), else "".</summary>
    private static string Step(Activity? span)
    {
        for (var current = span; current is not null; current = current.Parent)
        {
            var name = current.DisplayName;
            if (name.StartsWith("activity:", StringComparison.Ordinal))
            {
                return name["activity:".Length..];
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// The table, queue or container in an Azurite path-style URL (/account/name...), with "(keys)" and "()" dropped;
    /// tenant index tables (prefix + "t" + 24 hex digits) become prefix + "t*", and "$batch" stays as is.
    /// </summary>
    internal static string Resource(Uri uri)
    {
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return string.Empty;
        }

        var name = Uri.UnescapeDataString(segments[1]);
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            name = name.StartsWith("Tables(", StringComparison.Ordinal) ? "Tables" : name[..paren];
        }

        return TenantIndexTable().Replace(name, "$1t*");
    }

    [GeneratedRegex("^(.*)t[0-9a-f]{24}$", RegexOptions.IgnoreCase)]
    private static partial Regex TenantIndexTable();

    /// <summary>Counts and summed seconds so far, per call key.</summary>
    public IReadOnlyDictionary<CallKey, (long Count, double Seconds)> Snapshot() =>
        tallies.ToDictionary(pair => pair.Key, pair =>
        {
            lock (pair.Value)
            {
                return (Interlocked.Read(ref pair.Value.Count), pair.Value.Seconds);
            }
        });

    /// <summary><paramref name="after"/> minus <paramref name="before"/>.</summary>
    public static IReadOnlyDictionary<CallKey, (long Count, double Seconds)> Difference(
        IReadOnlyDictionary<CallKey, (long Count, double Seconds)> before,
        IReadOnlyDictionary<CallKey, (long Count, double Seconds)> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return after.ToDictionary(pair => pair.Key, pair =>
            before.TryGetValue(pair.Key, out var old) ? (pair.Value.Count - old.Count, pair.Value.Seconds - old.Seconds) : pair.Value);
    }

    /// <summary>
    /// <paramref name="calls"/> without those addressed to another task hub's queues, tables and containers: a host of an
    /// earlier benchmark in this process whose backend did not stop cleanly (DurableTask.AzureStorage's app-lease loop has
    /// been seen spinning on HEAD requests after its hub was deleted) must not be counted against the host measured now.
    /// </summary>
    public static IReadOnlyDictionary<CallKey, (long Count, double Seconds)> OfHub(IReadOnlyDictionary<CallKey, (long Count, double Seconds)> calls, string hub)
    {
        ArgumentNullException.ThrowIfNull(calls);
        return calls.Where(pair => !HubResource().IsMatch(pair.Key.Resource) || pair.Key.Resource.StartsWith(hub, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(pair => pair.Key, pair => pair.Value);
    }

    [GeneratedRegex("^hub[0-9a-f]{10}", RegexOptions.IgnoreCase)]
    private static partial Regex HubResource();

    /// <summary>Calls to the given ports in a difference, divided by <paramref name="per"/>.</summary>
    public static double PerOperation(IReadOnlyDictionary<CallKey, (long Count, double Seconds)> calls, IReadOnlySet<int> ports, int per) =>
        (double)calls.Where(pair => ports.Contains(pair.Key.Port)).Sum(pair => pair.Value.Count) / per;

    /// <summary>
    /// Per operation, one line per storage service, then one per resource ("table Tasks: PUT 1.0 GET 3.0") and one per
    /// workflow step, so it shows where each call goes.
    /// </summary>
    public static IEnumerable<string> Breakdown(
        IReadOnlyDictionary<CallKey, (long Count, double Seconds)> calls, IReadOnlyDictionary<int, string> services, int per, string indent)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(services);
        string F(long count) => ((double)count / per).ToString("F2", CultureInfo.InvariantCulture);
        string Methods(IEnumerable<KeyValuePair<CallKey, (long Count, double Seconds)>> group) =>
            string.Join(" ", group.GroupBy(pair => pair.Key.Method).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {F(g.Sum(p => p.Value.Count))}"));

        var storage = calls.Where(pair => pair.Value.Count > 0 && services.TryGetValue(pair.Key.Port, out var s) && s is "table" or "queue" or "blob").ToList();
        foreach (var service in storage.GroupBy(pair => services[pair.Key.Port]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return $"{indent}{service.Key} {F(service.Sum(p => p.Value.Count))}";
            foreach (var resource in service.GroupBy(pair => pair.Key.Resource).OrderByDescending(g => g.Sum(p => p.Value.Count)))
            {
                yield return $"{indent}  {resource.Key}: {F(resource.Sum(p => p.Value.Count))} ({Methods(resource)})";
            }
        }

        var steps = storage.GroupBy(pair => pair.Key.Step.Length == 0 ? "(outside activities: API, backend dispatch, client)" : "activity " + pair.Key.Step)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var step in steps)
        {
            var detail = string.Join(", ", step.GroupBy(pair => $"{services[pair.Key.Port]} {pair.Key.Resource}")
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {Methods(g)}"));
            yield return $"{indent}{step.Key}: {F(step.Sum(p => p.Value.Count))} ({detail})";
        }
    }

    public void Dispose()
    {
        handlerSubscription?.Dispose();
        subscription.Dispose();
        spans.Dispose();
    }

    private sealed class Tally
    {
        public long Count;
        public double Seconds;
    }

    private sealed class Observer<T>(Action<T> onNext) : IObserver<T>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(T value) => onNext(value);
    }
}
