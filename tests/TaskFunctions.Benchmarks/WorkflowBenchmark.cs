using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// Workflow throughput and dispatch latency of the task orchestration on the Azure Storage backend over Azurite, against
/// an instant fake fal, and in the same run the baseline: a bare orchestration with the same durable steps (5 no-op
/// activities and one timer of the same length) on the same backend, host wiring and host.json. Both run in a fresh
/// in-process self-host (fresh task hub) with the same scheduling concurrency.
/// </summary>
public static class WorkflowBenchmark
{
    private const int WarmUp = 20;

    /// <summary>What a production deployment would set for a provider that answers within a second or two (the sample settings' values).</summary>
    internal static readonly Dictionary<string, string> ProductionPolling = new()
    {
        ["Providers__Fal__RequestTimeout"] = "00:00:30",
        ["Providers__Fal__Retry__MaxAttempts"] = "3",
        ["Providers__Fal__Retry__FirstRetryInterval"] = "00:00:02",
        ["Providers__Fal__Retry__MaxRetryInterval"] = "00:01:00",
        ["Providers__Fal__Polling__FirstInterval"] = "00:00:01",
        ["Providers__Fal__Polling__Backoff"] = "1.5",
        ["Providers__Fal__Polling__MaxInterval"] = "00:00:10",
        ["Providers__Fal__Polling__Deadline"] = "00:10:00",
        ["Providers__Fal__Polling__MaxPollFailures"] = "5",

        // In-process the host logs to the benchmark's console: keep it to warnings (the bare host logs nothing either).
        ["Logging__LogLevel__TaskFunctions"] = "Warning",
    };

    public static async Task<IReadOnlyList<string>> RunAsync(string connectionString, int tasks, int concurrency, int idleSamples)
    {
        using var calls = new HttpCallCounter();
        await using var fal = await FakeFalServer.StartAsync();
        await using var webhooks = await WebhookSink.StartAsync();
        var settings = ProviderTestSettings.For(fal, webhooks);
        foreach (var (key, value) in ProductionPolling)
        {
            settings[key] = value;
        }

        var timer = TimeSpan.Parse(settings["Providers__Fal__Polling__FirstInterval"], CultureInfo.InvariantCulture);
        var (blobPort, queuePort, tablePort) = StoragePorts(connectionString);
        var services = new Dictionary<int, string> { [blobPort] = "blob", [queuePort] = "queue", [tablePort] = "table", [fal.BaseUrl.Port] = "fal" };

        Phase bare;
        await using (var template = new SelfHostProcess(connectionString, settings))
        await using (var host = await InProcessSelfHost.StartAsync(template.Environment, BareWorkflow.Registration(timer)))
        {
            await RunBareAsync(host.Client, "warm", WarmUp, concurrency, calls);
            Progress("bare baseline");
            bare = await RunBareAsync(host.Client, "bare", tasks, concurrency, calls);
            bare = bare with { Calls = HttpCallCounter.OfHub(bare.Calls, template.Environment["TASKHUB_NAME"]) };
            Progress($"bare: {bare.PerSecond:F2} tasks/s over {bare.Span.TotalSeconds:F1} s");
        }

        Phase real;
        LatencyStats idle;
        await using (var template = new SelfHostProcess(connectionString, settings))
        await using (var host = await InProcessSelfHost.StartAsync(template.Environment))
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 };
            using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            services[host.BaseAddress.Port] = "api";
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("bench-" + Guid.NewGuid().ToString("N")[..8]));
            await RunRealAsync(client, host.Client, fal, WarmUp, concurrency, calls);
            Progress("idle dispatch latency");
            idle = await IdleDispatchAsync(client, fal, idleSamples);
            Progress($"idle dispatch: {idle}");
            Progress("real workflow");
            real = await RunRealAsync(client, host.Client, fal, tasks, concurrency, calls);
            real = real with { Calls = HttpCallCounter.OfHub(real.Calls, template.Environment["TASKHUB_NAME"]) };
            await EnsureNoneFailedAsync(client);
        }

        var storagePorts = new HashSet<int> { blobPort, queuePort, tablePort };
        var bareCalls = HttpCallCounter.PerOperation(bare.Calls, storagePorts, tasks);
        var realCalls = HttpCallCounter.PerOperation(real.Calls, storagePorts, tasks);
        var ratio = real.PerSecond / bare.PerSecond;
        var lines = new List<string>
        {
            $"Workflow throughput, {tasks} tasks scheduled at {concurrency} concurrent clients; in-process self-host wiring, Azure Storage backend on Azurite (in memory), " +
            $"host.json as shipped; instant fake fal (first status poll COMPLETED), Polling.FirstInterval {timer.TotalSeconds:0.###} s:",
            $"  bare orchestration (5 no-op activities + 1 timer of {timer.TotalSeconds:0.###} s): {bare.PerSecond:F1} tasks/s ({bare.Span.TotalSeconds:F1} s first schedule -> last completion); per task {bare.EndToEnd}",
            $"  real workflow (GENERATION on fal, POST /api/v1/tasks/): {real.PerSecond:F1} tasks/s ({real.Span.TotalSeconds:F1} s first create -> last completion); per task {real.EndToEnd}",
            $"  ratio real / bare: {ratio:F2} (target >= 0.90)",
            "Dispatch latency, POST create -> fal submit received:",
            $"  idle ({idleSamples} sequential creates, each after the previous task ended + 1 s pause): {idle} (target p50 < 150 ms)",
            $"  under the {tasks}-task load: {real.Dispatch!}",
            "HTTP calls per task in the measured window, this process (backend + activities + API + the benchmark's 100 ms completion poll over grpc):",
            $"  bare: {Describe(bare.Calls, services, tasks)}",
            $"  real: {Describe(real.Calls, services, tasks)}",
            "Storage calls per task by resource and by workflow step, bare:",
        };
        lines.AddRange(HttpCallCounter.Breakdown(bare.Calls, services, tasks, "    "));
        lines.Add("Storage calls per task by resource and by workflow step, real:");
        lines.AddRange(HttpCallCounter.Breakdown(real.Calls, services, tasks, "    "));
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"  storage calls per completed task: real {realCalls:F1}, bare {bareCalls:F1}, extra {realCalls - bareCalls:F1} (target <= 6)"));
        var met = realCalls <= bareCalls + 6 && ratio >= 0.9;
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"RESULT workflow tasks={tasks} real_per_s={real.PerSecond:F2} bare_per_s={bare.PerSecond:F2} ratio={ratio:F2} calls_real={realCalls:F1} calls_bare={bareCalls:F1} calls_extra={realCalls - bareCalls:F1} dispatch_idle_p50_ms={idle.P50:F1} target=\"calls_extra<=6 && ratio>=0.9\" met={(met ? "true" : "false")}"));
        return lines;
    }

    private sealed record Phase(
        double PerSecond,
        TimeSpan Span,
        LatencyStats EndToEnd,
        LatencyStats? Dispatch,
        IReadOnlyDictionary<HttpCallCounter.CallKey, (long Count, double Seconds)> Calls);

    private static async Task<Phase> RunBareAsync(DurableTaskClient client, string prefix, int count, int concurrency, HttpCallCounter calls)
    {
        var run = prefix + Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, count).Select(i => $"{run}-{i}").ToArray();
        var scheduled = new DateTimeOffset[count];
        var before = calls.Snapshot();
        var start = DateTimeOffset.UtcNow;
        await Load.RunAsync(count, concurrency, async i =>
        {
            scheduled[i] = DateTimeOffset.UtcNow;
            await client.ScheduleNewOrchestrationInstanceAsync(BareWorkflow.Orchestration, ids[i], new StartOrchestrationOptions(ids[i]));
        });
        var completed = await WaitForOrchestrationsAsync(client, ids);
        var after = calls.Snapshot();
        return Summarise(start, scheduled, completed, null, HttpCallCounter.Difference(before, after));
    }

    private static async Task<Phase> RunRealAsync(HttpClient api, DurableTaskClient durable, FakeFalServer fal, int count, int concurrency, HttpCallCounter calls)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var apps = Enumerable.Range(0, count).Select(i => $"bench-{run}/t{i}").ToArray();
        foreach (var app in apps)
        {
            fal.Script(app).Then(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0));
        }

        var ids = new string[count];
        var created = new DateTimeOffset[count];
        var before = calls.Snapshot();
        var start = DateTimeOffset.UtcNow;
        await Load.RunAsync(count, concurrency, async i =>
        {
            created[i] = DateTimeOffset.UtcNow;
            ids[i] = await CreateAsync(api, apps[i]);
        });
        var completed = await WaitForOrchestrationsAsync(durable, ids);
        var after = calls.Snapshot();
        var dispatch = apps.Select((app, i) => (SubmitAt(fal, app) - created[i]).TotalMilliseconds).ToArray();
        return Summarise(start, created, completed, LatencyStats.From(dispatch), HttpCallCounter.Difference(before, after));
    }

    /// <summary>One task at a time, each created only after the previous one ended and the queues had a second to go idle.</summary>
    private static async Task<LatencyStats> IdleDispatchAsync(HttpClient api, FakeFalServer fal, int samples)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var latencies = new List<double>();
        for (var k = 0; k < samples; k++)
        {
            var app = $"idle-{run}/t{k}";
            fal.Script(app).Then(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0));
            var created = DateTimeOffset.UtcNow;
            var id = await CreateAsync(api, app);
            latencies.Add((await WaitForSubmitAsync(fal, app) - created).TotalMilliseconds);
            await ApiCalls.WaitForAsync(api, id, ApiCalls.IsTerminal, TimeSpan.FromSeconds(60));
            await Task.Delay(1000);
        }

        return LatencyStats.From(latencies);
    }

    internal static async Task<string> CreateAsync(HttpClient api, string falApp)
    {
        var body = new JsonObject
        {
            ["task_type"] = "GENERATION",
            ["origin_instance"] = "bench",
            ["prompt"] = "a red bicycle",
            ["fal_app_id"] = falApp,
        };
        var (status, json) = await ApiCalls.PostAsync(api, ApiCalls.Tasks, body);
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"create returned {(int)status}: {json?.ToJsonString()}");
        }

        return json!["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Polls one instance at a time (in schedule order, 100 ms apart) so the poller adds next to no load; returns each
    /// instance's last update time (its completion time, stamped by the backend on this machine's clock).
    /// </summary>
    private static async Task<DateTimeOffset[]> WaitForOrchestrationsAsync(DurableTaskClient client, string[] ids)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        var completed = new DateTimeOffset[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            while (true)
            {
                var instance = await client.GetInstanceAsync(ids[i], getInputsAndOutputs: false);
                if (instance is { IsCompleted: true })
                {
                    if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
                    {
                        throw new InvalidOperationException($"Orchestration {ids[i]} ended {instance.RuntimeStatus}.");
                    }

                    completed[i] = instance.LastUpdatedAt;
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Orchestration {ids[i]} did not complete within 10 minutes.");
                }

                await Task.Delay(100);
            }
        }

        return completed;
    }

    private static async Task<DateTimeOffset> WaitForSubmitAsync(FakeFalServer fal, string app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (fal.Calls(app).FirstOrDefault(c => c.Kind == "submit") is { } submit)
            {
                return submit.At;
            }

            await Task.Delay(2);
        }

        throw new TimeoutException($"No fal submit for {app} within 60 s.");
    }

    private static DateTimeOffset SubmitAt(FakeFalServer fal, string app) =>
        fal.Calls(app).First(c => c.Kind == "submit").At;

    /// <summary>An instant job must never fail or be retried; a FAILED task would make the rate meaningless.</summary>
    internal static async Task EnsureNoneFailedAsync(HttpClient api)
    {
        foreach (var status in new[] { "FAILED", "PENDING", "RUNNING" })
        {
            var (_, json) = await ApiCalls.GetAsync(api, ApiCalls.Tasks + $"?status={status}&limit=1");
            if (json is JsonArray { Count: > 0 } found)
            {
                throw new InvalidOperationException($"A benchmark task is {status}: {found[0]!.ToJsonString()}");
            }
        }
    }

    private static Phase Summarise(
        DateTimeOffset start,
        DateTimeOffset[] started,
        DateTimeOffset[] completed,
        LatencyStats? dispatch,
        IReadOnlyDictionary<HttpCallCounter.CallKey, (long Count, double Seconds)> calls)
    {
        var span = completed.Max() - start;
        var endToEnd = LatencyStats.From(completed.Select((done, i) => (done - started[i]).TotalMilliseconds).ToArray());
        return new Phase(completed.Length / span.TotalSeconds, span, endToEnd, dispatch, calls);
    }

    internal static (int Blob, int Queue, int Table) StoragePorts(string connectionString)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.OrdinalIgnoreCase);
        int Port(string key) => parts.TryGetValue(key, out var url) ? new Uri(url).Port : -1;
        return (Port("BlobEndpoint"), Port("QueueEndpoint"), Port("TableEndpoint"));
    }

    private static void Progress(string phase) => Console.Error.WriteLine($"[workflow benchmark {DateTime.UtcNow:HH:mm:ss}] {phase}");

    /// <summary>Per task: calls per service and method, and the mean call duration (queueing included, so it grows with load).</summary>
    private static string Describe(
        IReadOnlyDictionary<HttpCallCounter.CallKey, (long Count, double Seconds)> calls, Dictionary<int, string> services, int tasks)
    {
        string Service(int port) => services.TryGetValue(port, out var name) ? name : "grpc sidecar";
        var groups = calls
            .Where(pair => pair.Value.Count > 0)
            .GroupBy(pair => Service(pair.Key.Port))
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var count = group.Sum(pair => pair.Value.Count);
                var seconds = group.Sum(pair => pair.Value.Seconds);
                var methods = string.Join(" ", group.GroupBy(pair => pair.Key.Method).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {(double)g.Sum(pair => pair.Value.Count) / tasks:F1}")));
                return string.Create(CultureInfo.InvariantCulture, $"{group.Key} {(double)count / tasks:F1} ({methods}; {seconds * 1000 / count:F1} ms avg)");
            });
        return string.Join(", ", groups);
    }
}
