using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Data.Tables;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// Creates per second and latency at 16 concurrent clients against the self-host, and in the same run the raw
/// single-entity insert rate of the same Azurite at the same concurrency (the baseline).
/// </summary>
public static class AcceptBenchmark
{
    public static async Task<IReadOnlyList<string>> RunAsync(string connectionString, int total, int concurrency)
    {
        var lines = new List<string>();
        await using var host = new SelfHostProcess(connectionString);
        await host.StartAsync();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 };
        using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("bench-" + Guid.NewGuid().ToString("N")[..8]));
        var body = Encoding.UTF8.GetBytes("""{"task_type":"GENERATION","origin_instance":"bench","prompt":"a red bicycle"}""");

        async Task Create(int _)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(new Uri("api/v1/tasks/", UriKind.Relative), content);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"create returned {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        var table = new TableServiceClient(connectionString).GetTableClient("rawinsert" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync();
        async Task Insert(int i) => await table.AddEntityAsync(new TableEntity("p" + (i % 64), Guid.NewGuid().ToString("N")) { ["Status"] = "PENDING", ["Value"] = i });

        // Warm both paths (JIT, connection pools, table creation) before measuring.
        await Load.RunAsync(200, concurrency, Create);
        await Load.RunAsync(200, concurrency, Insert);

        await DrainAsync(client);
        var raw = await Load.RunAsync(total, concurrency, Insert);
        var creates = await Load.RunAsync(total, concurrency, Create);
        var underLoad = await Load.RunAsync(total / 4, concurrency, Insert);

        // Printed before the drain: on a loaded machine the drain can time out, and the measurement must survive it.
        void Report(string line)
        {
            lines.Add(line);
            Console.WriteLine(line);
        }

        Report($"Accept throughput, {total} creates at {concurrency} concurrent clients:");
        Report($"  raw Azurite single-entity inserts before: {raw.PerSecond:F0}/s; {raw.Latency}");
        Report($"  POST /api/v1/tasks/:               {creates.PerSecond:F0}/s; {creates.Latency}");
        Report($"  raw inserts while the {total} workflows still run: {underLoad.PerSecond:F0}/s (same Azurite, shared with the workflow)");
        Report($"  ratio creates / raw inserts before: {creates.PerSecond / raw.PerSecond:F2}");
        var drain = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await DrainAsync(client);
        }
        catch (TimeoutException)
        {
            Report("  workflows did not drain within 10 minutes; no raw rate after, baseline = raw rate before");
            Report($"  ratio creates / raw inserts:       {creates.PerSecond / raw.PerSecond:F2} (target >= 0.50); p99 {creates.Latency.P99:F1} ms (target < 50 ms)");
            await table.DeleteAsync();
            return lines;
        }

        drain.Stop();
        var rawAfter = await Load.RunAsync(total, concurrency, Insert);
        var baseline = (raw.PerSecond + rawAfter.PerSecond) / 2;
        Report($"  workflows drained {drain.Elapsed.TotalSeconds:F0} s after the last create");
        Report($"  raw Azurite single-entity inserts after: {rawAfter.PerSecond:F0}/s (baseline {baseline:F0}/s); {rawAfter.Latency}");
        Report($"  ratio creates / raw inserts:       {creates.PerSecond / baseline:F2} (target >= 0.50); p99 {creates.Latency.P99:F1} ms (target < 50 ms)");
        await table.DeleteAsync();
        return lines;
    }

    /// <summary>Waits until no task of the benchmark tenant is PENDING or RUNNING (bounded: 10 minutes).</summary>
    private static async Task DrainAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (DateTime.UtcNow < deadline)
        {
            var pending = await client.GetStringAsync(new Uri("api/v1/tasks/?status=PENDING&limit=1", UriKind.Relative));
            var running = await client.GetStringAsync(new Uri("api/v1/tasks/?status=RUNNING&limit=1", UriKind.Relative));
            if (pending == "[]" && running == "[]")
            {
                return;
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException("Workflows did not drain within 10 minutes.");
    }
}
