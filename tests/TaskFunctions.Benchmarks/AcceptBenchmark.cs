using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// The accept path against its honest anchor, the Durable HTTP-start pattern: in one in-process host on one Azurite,
/// with the Durable worker and dispatch stopped (nothing consumes what is scheduled), (a) bare
/// <c>ScheduleNewOrchestrationInstanceAsync</c> of the task orchestration through the same sidecar and (b)
/// <c>POST /api/v1/tasks/</c> of a GENERATION body, each at the same concurrency, with storage calls per operation.
/// Then, as information, creates on a fresh host whose workflows run and compete for the same Azurite.
/// </summary>
public static class AcceptBenchmark
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"task_type":"GENERATION","origin_instance":"bench","prompt":"a red bicycle"}""");

    public static async Task<IReadOnlyList<string>> RunAsync(string connectionString, int total, int concurrency)
    {
        var lines = new List<string>();
        void Report(string line)
        {
            lines.Add(line);
            Console.WriteLine(line);
        }

        using var calls = new HttpCallCounter();
        var (blobPort, queuePort, tablePort) = WorkflowBenchmark.StoragePorts(connectionString);
        var storagePorts = new HashSet<int> { blobPort, queuePort, tablePort };
        var services = new Dictionary<int, string> { [blobPort] = "blob", [queuePort] = "queue", [tablePort] = "table" };
        // The figures are the output, not the backend's warnings about messages it abandons under this deliberate overload.
        var settings = new Dictionary<string, string> { ["Logging__LogLevel__TaskFunctions"] = "Warning", ["Logging__LogLevel__DurableTask"] = "Error" };

        (double PerSecond, LatencyStats Latency) bare, creates;
        IReadOnlyDictionary<HttpCallCounter.CallKey, (long Count, double Seconds)> bareCalls, createCalls;
        await using (var template = new SelfHostProcess(connectionString, settings))
        await using (var host = await InProcessSelfHost.StartAsync(template.Environment))
        {
            await host.StopConsumingAsync();
            using var client = ApiClient(host.BaseAddress, concurrency);
            var run = Guid.NewGuid().ToString("N")[..8];
            Task Schedule(int i)
            {
                var id = $"bare-{run}-{i}";
                return host.Client.ScheduleNewOrchestrationInstanceAsync(
                    TaskNames.TaskOrchestration, new TaskOrchestrationInput(id, TaskType.GENERATION, null), new StartOrchestrationOptions { InstanceId = id });
            }

            // Warm both paths (JIT, connection pools, table creation) before measuring; the ids never collide.
            await Load.RunAsync(200, concurrency, i => Schedule(total + i));
            await Load.RunAsync(200, concurrency, _ => CreateAsync(client));

            var before = calls.Snapshot();
            bare = await Load.RunAsync(total, concurrency, Schedule);
            var middle = calls.Snapshot();
            creates = await Load.RunAsync(total, concurrency, _ => CreateAsync(client));
            var after = calls.Snapshot();
            bareCalls = HttpCallCounter.Difference(before, middle);
            createCalls = HttpCallCounter.Difference(middle, after);
        }

        var perBare = HttpCallCounter.PerOperation(bareCalls, storagePorts, total);
        var perCreate = HttpCallCounter.PerOperation(createCalls, storagePorts, total);
        var rateRatio = creates.PerSecond / bare.PerSecond;
        var p99Ratio = creates.Latency.P99 / bare.Latency.P99;
        Report($"Accept, {total} operations each at {concurrency} concurrent clients, one in-process host, Durable worker and dispatch stopped (accept path only):");
        Report(string.Create(CultureInfo.InvariantCulture, $"  (a) bare ScheduleNewOrchestrationInstanceAsync via the sidecar: {bare.PerSecond:F0}/s; {bare.Latency}; storage calls/op {perBare:F2}"));
        Report(string.Create(CultureInfo.InvariantCulture, $"  (b) POST /api/v1/tasks/ (GENERATION):                  {creates.PerSecond:F0}/s; {creates.Latency}; storage calls/op {perCreate:F2}"));
        Report(string.Create(CultureInfo.InvariantCulture, $"  ratios: rate {rateRatio:F2} (target >= 0.5), p99 {p99Ratio:F2} (target <= 2), calls +{perCreate - perBare:F2} (target <= 3)"));
        Report("  storage calls per bare schedule:");
        foreach (var line in HttpCallCounter.Breakdown(bareCalls, services, total, "    "))
        {
            Report(line);
        }

        Report("  storage calls per create:");
        foreach (var line in HttpCallCounter.Breakdown(createCalls, services, total, "    "))
        {
            Report(line);
        }

        var met = rateRatio >= 0.5 && p99Ratio <= 2 && perCreate <= perBare + 3;
        Report(string.Create(CultureInfo.InvariantCulture,
            $"RESULT accept ops={total} concurrency={concurrency} bare_per_s={bare.PerSecond:F0} bare_p50_ms={bare.Latency.P50:F1} bare_p99_ms={bare.Latency.P99:F1} bare_calls={perBare:F2} " +
            $"create_per_s={creates.PerSecond:F0} create_p50_ms={creates.Latency.P50:F1} create_p99_ms={creates.Latency.P99:F1} create_calls={perCreate:F2} " +
            $"rate_ratio={rateRatio:F2} p99_ratio={p99Ratio:F2} calls_extra={perCreate - perBare:F2} target=\"rate_ratio>=0.5 && p99_ratio<=2 && calls_extra<=3\" met={(met ? "true" : "false")}"));

        // Information only: the same creates on a fresh host whose workflows run to completion against an instant fake
        // fal (production polling settings, as the workflow bench) and share Azurite.
        var loaded = total / 4;
        await using var fal = await FakeFalServer.StartAsync();
        await using var webhooks = await WebhookSink.StartAsync();
        var workflowSettings = ProviderTestSettings.For(fal, webhooks);
        foreach (var (key, value) in WorkflowBenchmark.ProductionPolling.Concat(settings))
        {
            workflowSettings[key] = value;
        }

        var script = fal.Script(ProviderTestSettings.GenerationAppId);
        for (var i = 0; i < loaded + 100; i++)
        {
            script.Then(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0));
        }

        await using (var template = new SelfHostProcess(connectionString, workflowSettings))
        await using (var host = await InProcessSelfHost.StartAsync(template.Environment))
        {
            using var client = ApiClient(host.BaseAddress, concurrency);
            await Load.RunAsync(100, concurrency, _ => CreateAsync(client));
            var before = calls.Snapshot();
            var underLoad = await Load.RunAsync(loaded, concurrency, _ => CreateAsync(client));
            var perLoaded = HttpCallCounter.PerOperation(HttpCallCounter.Difference(before, calls.Snapshot()), storagePorts, loaded);
            Report(string.Create(CultureInfo.InvariantCulture,
                $"  information: {loaded} creates while their workflows run in the same host (instant fake fal): {underLoad.PerSecond:F0}/s; {underLoad.Latency}; storage calls/create incl. workflows {perLoaded:F1}"));
            Report(string.Create(CultureInfo.InvariantCulture,
                $"RESULT accept_with_workflows ops={loaded} create_per_s={underLoad.PerSecond:F0} create_p50_ms={underLoad.Latency.P50:F1} create_p99_ms={underLoad.Latency.P99:F1} target=\"information\" met=true"));

            // Let the workflows end before the host stops, so its shutdown cancels no work in flight.
            await DrainAsync(client);
        }

        return lines;
    }

    /// <summary>Waits (at most 5 minutes) until no task of this tenant is PENDING or RUNNING, and checks that none FAILED.</summary>
    private static async Task DrainAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            var busy = false;
            foreach (var status in new[] { "PENDING", "RUNNING" })
            {
                var (_, json) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + $"?status={status}&limit=1");
                busy |= json is JsonArray { Count: > 0 };
            }

            if (!busy)
            {
                await WorkflowBenchmark.EnsureNoneFailedAsync(client);
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The accepted tasks' workflows did not end within 5 minutes.");
    }

    private static HttpClient ApiClient(Uri baseAddress, int concurrency)
    {
#pragma warning disable CA2000 // the client owns and disposes the handler
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }, disposeHandler: true) { BaseAddress = baseAddress };
#pragma warning restore CA2000
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("bench-" + Guid.NewGuid().ToString("N")[..8]));
        return client;
    }

    private static async Task CreateAsync(HttpClient client)
    {
        using var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri("api/v1/tasks/", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"create returned {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
