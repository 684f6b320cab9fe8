using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using TaskFunctions.Core.Workflow;
using TaskFunctions.SelfHost.Durable;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Hosting;

/// <summary>
/// `func start` cannot run here, so the Functions build's functions.metadata is checked instead: every route,
/// method and trigger binding, and that the self-host registers exactly the Functions app's durable names.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<JsonArray> Metadata = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.ProjectOutput("TaskFunctions"), "functions.metadata")))!.AsArray());

    public static TheoryData<string, string, string> Routes => new()
    {
        { "CreateTask", "post", "v1/tasks" },
        { "ListTasks", "get", "v1/tasks" },
        { "GetTask", "get", "v1/tasks/{task_id}" },
        { "UpdateTask", "put", "v1/tasks/{task_id}" },
        { "DeleteTask", "delete", "v1/tasks/{task_id}" },
        { "CancelTask", "post", "v1/tasks/{task_id}/cancel" },
        { "CleanupTask", "post", "v1/tasks/{task_id}/cleanup" },
        { "GetTaskWebhook", "get", "v1/tasks/{task_id}/webhook" },
        { "GetTaskFile", "get", "v1/tasks/{task_id}/files/{*path}" },
        { "CreateGenerationTask", "post", "v1/tasks/generation" },
        { "ListGenerationTasks", "get", "v1/tasks/generation" },
        { "GetGenerationTask", "get", "v1/tasks/generation/{task_id}" },
        { "UpdateGenerationTask", "put", "v1/tasks/generation/{task_id}" },
        { "CancelGenerationTask", "post", "v1/tasks/generation/{task_id}/cancel" },
        { "Health", "get", "health" },
        { "OpenApiDocument", "get", "openapi.json" },
        { "Docs", "get", "docs" },
        { "DocsAsset", "get", "docs/{*asset}" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public void FunctionsMetadata_HttpFunction_HasRouteMethodAndAnonymousLevel(string name, string method, string route)
    {
        var function = Function(name);
        var trigger = Bindings(function).Single(b => b["type"]!.GetValue<string>() == "httpTrigger");

        Assert.Equal(route, trigger["route"]!.GetValue<string>());
        Assert.Equal([method], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()));
        Assert.Equal("Anonymous", trigger["authLevel"]!.GetValue<string>(), ignoreCase: true);
        Assert.Contains(Bindings(function), b => b["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "Out");
    }

    [Fact]
    public void FunctionsMetadata_HttpFunctions_AreExactlyTheseRoutes()
    {
        var http = Metadata.Value
            .Where(f => Bindings(f).Any(b => b["type"]!.GetValue<string>() == "httpTrigger"))
            .Select(f => f!["name"]!.GetValue<string>())
            .Order(StringComparer.Ordinal);

        Assert.Equal(Routes.Select(r => (string)r[0]).Order(StringComparer.Ordinal), http);
    }

    [Fact]
    public void FunctionsMetadata_DurableTriggers_MatchTaskNames()
    {
        Assert.Equal(TaskNames.Orchestrations.Order(StringComparer.Ordinal), TriggerNames("orchestrationTrigger"));
        Assert.Equal(TaskNames.Activities.Order(StringComparer.Ordinal), TriggerNames("activityTrigger"));
    }

    [Fact]
    public void FunctionsMetadata_ClientBindings_OnEveryRouteThatSchedulesOrSignals()
    {
        foreach (var name in new[] { "CreateTask", "CreateGenerationTask", "CancelTask", "CancelGenerationTask", "CleanupTask", "DeleteTask" })
        {
            Assert.Contains(Bindings(Function(name)), b => b["type"]!.GetValue<string>() == "durableClient");
        }
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
