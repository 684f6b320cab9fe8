using System.Text.Json.Nodes;
using TaskFunctions.Core.Storage;

namespace TaskFunctions.Tests.Infra;

/// <summary>The compiled storage account: Entra ID only, and every container and table the app expects.</summary>
public sealed class StorageTemplateTests
{
    private static JsonObject StorageProperties =>
        CompiledTemplate.Single("Microsoft.Storage/storageAccounts")["properties"]!.AsObject();

    [Fact]
    public void StorageAccount_SharedKeyAccess_IsDisabled()
    {
        Assert.False((bool)StorageProperties["allowSharedKeyAccess"]!);
    }

    [Fact]
    public void StorageAccount_TransportAndPublicAccess_AreLockedDown()
    {
        var properties = StorageProperties;

        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
    }

    [Fact]
    public void StorageModule_Containers_CoverEveryAppContainerAndTheDeploymentPackage()
    {
        var containers = Strings(CompiledTemplate.ModuleParameter(CompiledTemplate.Module("storage"), "containerNames"));
        var deploymentContainer = (string?)CompiledTemplate.ModuleParameter(CompiledTemplate.Module("api"), "deploymentContainerName");

        var expected = AzureBlobStore.TaskContainers.Append(TableTaskStore.DocumentContainer).Append(deploymentContainer!);
        Assert.Equal(expected.Order(StringComparer.Ordinal), containers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Containers_Loop_CreatesPrivateContainers()
    {
        var containers = CompiledTemplate.Single("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.NotNull(containers["copy"]);
        Assert.Equal("None", (string?)containers["properties"]?["publicAccess"]);
    }

    [Fact]
    public void StorageModule_Tables_MatchTheStoreDefaults()
    {
        var tables = Strings(CompiledTemplate.ModuleParameter(CompiledTemplate.Module("storage"), "tableNames"));
        var defaults = new StorageOptions();

        // Tenant index tables are created by the app on each tenant's first write.
        var expected = new[] { defaults.TasksTable, IndexTableNames.Global(defaults.TaskIndexTable), defaults.IdempotencyTable };
        Assert.Equal(expected.Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
        Assert.NotNull(CompiledTemplate.Single("Microsoft.Storage/storageAccounts/tableServices/tables")["copy"]);
    }

    private static List<string> Strings(JsonNode? array) =>
        array!.AsArray().Select(item => (string)item!).ToList();
}
