using System.Text.Json.Nodes;
using TaskFunctions.Core.Api;
using TaskFunctions.SelfHost.Durable;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Hosting;

/// <summary>host.json at the repository root is the one source of the Durable settings for both hosts.</summary>
public sealed class HostJsonTests
{
    private static string RootHostJson => Path.Combine(RepositoryPaths.Root, "host.json");

    [Theory]
    [InlineData("TaskFunctions")]
    [InlineData("TaskFunctions.SelfHost")]
    public void BuildOutput_HostJson_IsTheRepositoryRootCopy(string project)
    {
        var copied = File.ReadAllText(Path.Combine(RepositoryPaths.ProjectOutput(project), "host.json"));

        Assert.Equal(File.ReadAllText(RootHostJson), copied);
    }

    [Fact]
    public void HostJsonSettings_RootHostJson_ReadsEveryDurableValueTheFunctionsHostUses()
    {
        var json = JsonNode.Parse(File.ReadAllText(RootHostJson))!;
        var durable = json["extensions"]!["durableTask"]!;
        var storage = durable["storageProvider"]!;

        var settings = HostJsonSettings.Load(RootHostJson, name => name == "TASKHUB_NAME" ? "HubFromSetting" : null);

        Assert.Equal("%TASKHUB_NAME%", durable["hubName"]!.GetValue<string>());
        Assert.Equal("HubFromSetting", settings.HubName);
        Assert.Equal(storage["partitionCount"]!.GetValue<int>(), settings.PartitionCount);
        Assert.Equal(TimeSpan.Parse(storage["maxQueuePollingInterval"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), settings.MaxQueuePollingInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.MaxQueuePollingInterval);
        Assert.Equal(durable["maxConcurrentActivityFunctions"]!.GetValue<int>(), settings.MaxConcurrentActivityFunctions);
        Assert.Equal(durable["maxConcurrentOrchestratorFunctions"]!.GetValue<int>(), settings.MaxConcurrentOrchestratorFunctions);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.WorkItemQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.ControlQueueVisibilityTimeout);
        Assert.Equal(ApiRoutes.Prefix, json["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }

    [Fact]
    public void HostJsonLogging_LogLevels_KeepInternalsAtWarningAndOursAtInformation()
    {
        var levels = LogLevels(JsonNode.Parse(File.ReadAllText(RootHostJson))!["logging"]!["logLevel"]!);

        Assert.Equal("Warning", levels["default"]);
        Assert.Equal("Information", levels["Function"]);
        Assert.Equal("Information", levels["TaskFunctions"]);
        foreach (var internals in new[] { "Microsoft", "System", "Azure", "DurableTask", "Microsoft.DurableTask", "Grpc", "Host.Triggers.DurableTask" })
        {
            Assert.Equal("Warning", levels[internals]);
        }
    }

    [Fact]
    public void HostJsonLogging_SelfHostLogLevels_AreTheSameInTheFunctionsHost()
    {
        var hostJson = LogLevels(JsonNode.Parse(File.ReadAllText(RootHostJson))!["logging"]!["logLevel"]!);
        var appSettings = Path.Combine(RepositoryPaths.Root, "src", "TaskFunctions.SelfHost", "appsettings.json");
        var selfHost = LogLevels(JsonNode.Parse(File.ReadAllText(appSettings))!["Logging"]!["LogLevel"]!);

        foreach (var (category, level) in selfHost)
        {
            Assert.True(hostJson.TryGetValue(category, out var functionsLevel), $"host.json has no level for '{category}'");
            Assert.Equal((category, level), (category, functionsLevel));
        }
    }

    [Fact]
    public void HostJsonSettings_HubSettingMissing_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => HostJsonSettings.Load(RootHostJson, _ => null));
    }

    /// <summary>Category → level; category names compare case-insensitively, as logging filters match them.</summary>
    private static Dictionary<string, string> LogLevels(JsonNode section) =>
        section.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
}
