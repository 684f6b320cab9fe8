using TaskFunctions.Benchmarks;

// Usage: scripts/bench [accept|list|image|workflow|all|drill]  (drill: the kill -9 crash drill, not part of all)  (accept/list/workflow need TASKFUNCTIONS_TEST_STORAGE, which scripts/bench sets)
var which = args.Length > 0 ? args[0] : "all";
if (which == "image-peak")
{
    return await ImageAdjusterBenchmark.RunPeakChildAsync(args[1], args[2]);
}

string Storage() => Environment.GetEnvironmentVariable("TASKFUNCTIONS_TEST_STORAGE")
    ?? throw new InvalidOperationException("Set TASKFUNCTIONS_TEST_STORAGE (scripts/bench starts Azurite and sets it).");
// Smaller runs while developing (the figures of record use the defaults): BENCH_ACCEPT_OPS, BENCH_LIST_TASKS, BENCH_WORKFLOW_TASKS, BENCH_IDLE_SAMPLES.
int Setting(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
var lines = new List<string> { $"TaskFunctions benchmarks ({DateTime.UtcNow:u}, {Environment.ProcessorCount} cores)" };
if (which is "accept" or "all")
{
    lines.AddRange(await AcceptBenchmark.RunAsync(Storage(), total: Setting("BENCH_ACCEPT_OPS", 2000), concurrency: 16));
}

if (which is "list" or "all")
{
    lines.AddRange(await ListBenchmark.RunAsync(Storage(), totalTasks: Setting("BENCH_LIST_TASKS", 100_000), tenants: 20, samples: 50));
}

if (which is "workflow" or "all")
{
    lines.AddRange(await WorkflowBenchmark.RunAsync(Storage(), tasks: Setting("BENCH_WORKFLOW_TASKS", 500), concurrency: 16, idleSamples: Setting("BENCH_IDLE_SAMPLES", 50)));
}

if (which is "drill")
{
    lines.AddRange(await CrashDrill.RunAsync(Storage(), tasks: 200, concurrency: 16));
}

if (which is "image" or "all")
{
    lines.AddRange(await ImageAdjusterBenchmark.RunAsync());
}

foreach (var line in lines)
{
    Console.WriteLine(line);
}

var artifacts = Path.Combine(AppContext.BaseDirectory, "results");
Directory.CreateDirectory(artifacts);
await File.WriteAllLinesAsync(Path.Combine(artifacts, $"bench-{which}-{DateTime.UtcNow:yyyyMMddHHmmss}.txt"), lines);
return 0;
