using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Workflow;
using TaskFunctions.SelfHost.Durable;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Hosting;

/// <summary>
/// `func start` cannot run here, so the Functions build's functions.metadata is checked instead: its HTTP functions are
/// exactly <see cref="ApiRoutes.All"/> (name, method, route, both ways), the host's name-ordered routing picks what the
/// table's precedence picks, and the self-host registers exactly the Functions app's durable names.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<JsonArray> Metadata = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.ProjectOutput("TaskFunctions"), "functions.metadata")))!.AsArray());

    /// <summary>Operations whose handlers schedule or signal orchestrations, so need the Durable client binding.</summary>
    private static readonly ApiOperation[] ClientOperations =
        [ApiOperation.CreateTask, ApiOperation.UpdateTask, ApiOperation.CancelTask, ApiOperation.CleanupTask, ApiOperation.DeleteTask];

    public static TheoryData<string> RouteNames => [.. ApiRoutes.All.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(RouteNames))]
    public void FunctionsMetadata_TableRoute_HasFunctionWithRouteMethodAndAnonymousLevel(string name)
    {
        var route = ApiRoutes.All.Single(r => r.Name == name);

        var function = Function(name);

        var trigger = Trigger(function);
        Assert.Equal(route.Template, trigger["route"]!.GetValue<string>());
        Assert.Equal(route.Method is null ? [] : [route.Method], Methods(trigger));
        Assert.Equal("Anonymous", trigger["authLevel"]!.GetValue<string>(), ignoreCase: true);
        Assert.Contains(Bindings(function), b => b["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "Out");
        Assert.Equal(ClientOperations.Contains(route.Operation), Bindings(function).Any(b => b["type"]!.GetValue<string>() == "durableClient"));
    }

    [Fact]
    public void FunctionsMetadata_HttpFunctions_AreExactlyTheRouteTable()
    {
        var functions = HttpFunctions()
            .Select(f => Describe(f!["name"]!.GetValue<string>(), Methods(Trigger(f)), Trigger(f)["route"]!.GetValue<string>()))
            .Order(StringComparer.Ordinal);

        var table = ApiRoutes.All
            .Select(r => Describe(r.Name, r.Method is null ? [] : [r.Method], r.Template))
            .Order(StringComparer.Ordinal);

        Assert.Equal(table, functions);
    }

    [Fact]
    public void FunctionsMetadata_Fallback_IsLastInTheHostsRouteOrder()
    {
        var order = HostRouteOrder();

        Assert.Equal(ApiRoutes.NotFound.Name, order[^1].Name);
        Assert.Equal(ApiRoutes.Anything, order[^1].Route);
    }

    /// <summary>
    /// The Functions host tries routes in function-name order (case-insensitive) and takes the first that matches path
    /// and method; the self-host, like <see cref="ApiRouteMatcher"/>, takes the most specific. For a path built from
    /// every template with every literal of the table (and a plain id) in each parameter, both must pick the same route.
    /// </summary>
    [Fact]
    public void FunctionsMetadata_HostRouteOrder_PicksWhatTheTablesPrecedencePicks()
    {
        var order = HostRouteOrder();
        var values = ApiRoutes.All.SelectMany(r => r.Template.Split('/')).Where(s => !s.StartsWith('{')).Append("3f2b8c1e-9a4d-4e57-8b1a-2c6d0e9f7a15").Distinct().ToList();
        var samples = ApiRoutes.All
            .SelectMany(r => Fill(r.Template, values).SelectMany(path => new[] { (r.Method ?? "GET", path), ("PATCH", path) }))
            .Concat([("GET", ""), ("GET", "v1/nope"), ("DELETE", "v1/tasks/x/cancel/now")])
            .Distinct()
            .ToList();

        var disagreements = samples
            .Select(s => (Sample: s, Host: order.First(f => (f.Methods.Count == 0 || f.Methods.Contains(s.Item1, StringComparer.OrdinalIgnoreCase)) && ApiRouteMatcher.IsMatch(f.Route, s.Item2)).Name,
                Table: ApiRouteMatcher.Match(s.Item1, s.Item2).Route?.Name ?? ApiRoutes.NotFound.Name))
            .Where(d => d.Host != d.Table)
            .Select(d => $"{d.Sample.Item1} {d.Sample.Item2}: host {d.Host}, table {d.Table}")
            .ToList();

        Assert.True(samples.Count > 100, $"{samples.Count} samples");
        Assert.Empty(disagreements);
    }

    [Fact]
    public void FunctionsMetadata_DurableTriggers_MatchTaskNames()
    {
        Assert.Equal(TaskNames.Orchestrations.Order(StringComparer.Ordinal), TriggerNames("orchestrationTrigger"));
        Assert.Equal(TaskNames.Activities.Order(StringComparer.Ordinal), TriggerNames("activityTrigger"));
    }

    [Fact]
    public void SelfHostRegistry_RegistersExactlyTheFunctionsAppDurableNames()
    {
        var registry = new DurableTaskRegistry();
        DurableSidecarExtensions.RegisterTasks(registry);

        Assert.Equal(TriggerNames("orchestrationTrigger"), RegisteredNames(registry, "Orchestrators"));
        Assert.Equal(TriggerNames("activityTrigger"), RegisteredNames(registry, "Activities"));
        Assert.Equal(TaskNames.Activities.Order(StringComparer.Ordinal), WorkflowCatalog.Activities.Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    private static JsonObject Function(string name) =>
        Metadata.Value.Single(f => f!["name"]!.GetValue<string>() == name)!.AsObject();

    private static IEnumerable<JsonNode?> HttpFunctions() =>
        Metadata.Value.Where(f => Bindings(f).Any(b => b["type"]!.GetValue<string>() == "httpTrigger"));

    private static JsonObject Trigger(JsonNode? function) =>
        Bindings(function).Single(b => b["type"]!.GetValue<string>() == "httpTrigger");

    /// <summary>The trigger's methods, upper case; none listed (absent or null) means every method.</summary>
    private static List<string> Methods(JsonObject trigger) =>
        trigger["methods"] is JsonArray methods ? [.. methods.Select(m => m!.GetValue<string>().ToUpperInvariant())] : [];

    private static string Describe(string name, IEnumerable<string> methods, string route) =>
        $"{name} [{string.Join(",", methods.Select(m => m.ToUpperInvariant()))}] {route}";

    /// <summary>The HTTP functions in the order the Functions host registers their routes: by name, ignoring case.</summary>
    private static List<(string Name, List<string> Methods, string Route)> HostRouteOrder() =>
        [.. HttpFunctions()
            .Select(f => (f!["name"]!.GetValue<string>(), Methods(Trigger(f)), Trigger(f)["route"]!.GetValue<string>()))
            .OrderBy(f => f.Item1, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Every path the template yields with each parameter set to each value (a catch-all also to a two-segment path).</summary>
    private static IEnumerable<string> Fill(string template, IReadOnlyList<string> values)
    {
        IEnumerable<string> paths = [string.Empty];
        foreach (var segment in template.Split('/'))
        {
            IEnumerable<string> options = !segment.StartsWith('{') ? [segment]
                : segment.StartsWith("{*", StringComparison.Ordinal) ? [.. values, "a/b.png", string.Empty]
                : values;
            paths = paths.SelectMany(p => options.Select(o => p.Length == 0 ? o : p + "/" + o)).ToList();
        }

        return paths;
    }

    private static IEnumerable<JsonObject> Bindings(JsonNode? function) =>
        function!["bindings"]!.AsArray().Select(b => b!.AsObject());

    private static IEnumerable<string> TriggerNames(string type) =>
        Metadata.Value
            .Where(f => Bindings(f).Any(b => b["type"]!.GetValue<string>() == type))
            .Select(f => f!["name"]!.GetValue<string>())
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The registry keeps its tables internal; read the names through reflection.</summary>
    private static IEnumerable<string> RegisteredNames(DurableTaskRegistry registry, string property)
    {
        var table = typeof(DurableTaskRegistry).GetProperty(property, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.GetValue(registry)!;
        var names = new List<string>();
        foreach (var entry in (IEnumerable)table)
        {
            var key = entry.GetType().GetProperty("Key")!.GetValue(entry)!;
            names.Add(key.ToString()!);
        }

        return names.Order(StringComparer.Ordinal).ToList();
    }
}
