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
        Assert.Equal(TimeSpan.FromMinutes(5), settings.WorkItemQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.ControlQueueVisibilityTimeout);
        Assert.Equal(ApiRoutes.Prefix, json["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }

    [Fact]
    public void HostJsonSettings_HubSettingMissing_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => HostJsonSettings.Load(RootHostJson, _ => null));
    }
}
