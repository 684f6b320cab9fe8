using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Infra;

/// <summary>The compiled plan, function app and app settings: Flex Consumption, .NET 10 isolated, identity-based connections.</summary>
public sealed class FunctionAppTemplateTests
{
    private static JsonObject Site => CompiledTemplate.Single("Microsoft.Web/sites");

    private static JsonObject Settings =>
        CompiledTemplate.OfType("Microsoft.Web/sites/config")
            .Single(c => ((string?)c["name"])!.Contains("'appsettings'", StringComparison.Ordinal))["properties"]!.AsObject();

    public static TheoryData<string> KeyVaultSettings => new()
    {
        "Providers__Fal__ApiKey",
        "Providers__Replicate__ApiToken",
        "Providers__OpenAI__ApiKey",
        "Webhooks__SigningSecret",
    };

    [Fact]
    public void AppSettings_ProviderModelsAndFaceQuality_MatchTheLocalSample()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        var kindSettings = sample
            .Where(p => (p.Key.StartsWith("Providers__Fal__", StringComparison.Ordinal) && (p.Key.EndsWith("AppId", StringComparison.Ordinal) || p.Key.Contains("__Capabilities__", StringComparison.Ordinal)))
                || p.Key.StartsWith("Providers__Replicate__Models__", StringComparison.Ordinal)
                || p.Key.StartsWith("Providers__Replicate__Capabilities__", StringComparison.Ordinal)
                || p.Key.StartsWith("Providers__OpenAI__Models__", StringComparison.Ordinal)
                || p.Key.StartsWith("FaceQuality__", StringComparison.Ordinal))
            .ToList();

        Assert.True(kindSettings.Count >= 26, "expected the provider app/model, capability and face-quality settings in the sample");
        foreach (var (key, value) in kindSettings)
        {
            Assert.True(Settings.ContainsKey(key), $"{key} is in local.settings.sample.json but not in the app settings of infra/app/api.bicep");
            Assert.Equal(value!.GetValue<string>(), (string?)Settings[key]);
        }
    }

    [Fact]
    public void Plan_Sku_IsFlexConsumption()
    {
        var sku = CompiledTemplate.Single("Microsoft.Web/serverfarms")["sku"]!;

        Assert.Equal("FC1", (string?)sku["name"]);
        Assert.Equal("FlexConsumption", (string?)sku["tier"]);
    }

    [Fact]
    public void FunctionApp_Runtime_IsDotnetIsolated10OnLinux()
    {
        var runtime = Site["properties"]!["functionAppConfig"]!["runtime"]!;

        Assert.Equal("functionapp,linux", (string?)Site["kind"]);
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        Assert.Equal("10.0", (string?)runtime["version"]);
    }

    [Fact]
    public void FunctionApp_DeploymentStorage_AuthenticatesWithTheUserAssignedIdentity()
    {
        var config = Site["properties"]!["functionAppConfig"]!;
        var storage = config["deployment"]!["storage"]!;

        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage["authentication"]!["type"]);
        Assert.Equal("[parameters('identityId')]", (string?)storage["authentication"]!["userAssignedIdentityResourceId"]);
        Assert.NotNull(config["scaleAndConcurrency"]!["maximumInstanceCount"]);
        Assert.NotNull(config["scaleAndConcurrency"]!["instanceMemoryMB"]);
    }

    [Fact]
    public void FunctionApp_Identity_IsOnlyTheUserAssignedOne()
    {
        var identity = Site["identity"]!;

        Assert.Equal("UserAssigned", (string?)identity["type"]);
        var assigned = Assert.Single(identity["userAssignedIdentities"]!.AsObject());
        Assert.Contains("parameters('identityId')", assigned.Key, StringComparison.Ordinal);
        Assert.Equal("[parameters('identityId')]", (string?)Site["properties"]!["keyVaultReferenceIdentity"]);
    }

    [Fact]
    public void FunctionApp_Tags_CarryAzdServiceNameApi()
    {
        Assert.Contains("'azd-service-name'", (string?)Site["tags"], StringComparison.Ordinal);
        Assert.Equal("api", (string?)CompiledTemplate.ModuleParameter(CompiledTemplate.Module("api"), "serviceName"));
    }

    [Fact]
    public void AppSettings_AzureWebJobsStorage_UsesManagedIdentityAndServiceUris()
    {
        var settings = Settings;

        Assert.Equal("managedidentity", (string?)settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("[parameters('identityClientId')]", (string?)settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal("[parameters('blobServiceUri')]", (string?)settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Equal("[parameters('queueServiceUri')]", (string?)settings["AzureWebJobsStorage__queueServiceUri"]);
        Assert.Equal("[parameters('tableServiceUri')]", (string?)settings["AzureWebJobsStorage__tableServiceUri"]);
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "A connection-string AzureWebJobsStorage needs shared keys.");
    }

    [Fact]
    public void AppSettings_AppStorage_UsesServiceUrisAndTheIdentityClientId()
    {
        var settings = Settings;

        Assert.Equal("[parameters('blobServiceUri')]", (string?)settings["Storage__BlobServiceUri"]);
        Assert.Equal("[parameters('queueServiceUri')]", (string?)settings["Storage__QueueServiceUri"]);
        Assert.Equal("[parameters('tableServiceUri')]", (string?)settings["Storage__TableServiceUri"]);
        Assert.Equal("[parameters('identityClientId')]", (string?)settings["Storage__ManagedIdentityClientId"]);
        Assert.False(settings.ContainsKey("Storage__ConnectionString"));
    }

    [Fact]
    public void AppSettings_AppConfiguration_SetsHubAndJwtValidation()
    {
        var settings = Settings;

        Assert.Equal("[parameters('taskHubName')]", (string?)settings["TASKHUB_NAME"]);
        Assert.Equal("[parameters('authIssuer')]", (string?)settings["Auth__Issuer"]);
        Assert.Equal("[parameters('authAudience')]", (string?)settings["Auth__Audience"]);
        Assert.Equal("[parameters('authAuthority')]", (string?)settings["Auth__Authority"]);
        Assert.False(settings.ContainsKey("Auth__SigningKey"), "Azure validates tokens against the authority, not a shared key.");
    }

    [Fact]
    public void AppSettings_ApplicationInsights_AuthenticatesWithEntraId()
    {
        var settings = Settings;

        Assert.Equal("[parameters('applicationInsightsConnectionString')]", (string?)settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        var authentication = (string?)settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
        Assert.Contains("ClientId={0};Authorization=AAD", authentication, StringComparison.Ordinal);
        Assert.Contains("parameters('identityClientId')", authentication, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_FlexConsumption_LeavesOutRuntimeSettings()
    {
        // Flex Consumption takes the runtime from functionAppConfig and rejects these settings.
        Assert.False(Settings.ContainsKey("FUNCTIONS_WORKER_RUNTIME"));
        Assert.False(Settings.ContainsKey("FUNCTIONS_EXTENSION_VERSION"));
    }

    [Theory]
    [MemberData(nameof(KeyVaultSettings))]
    public void AppSettings_Secret_IsKeyVaultReferenceToAStoredSecret(string setting)
    {
        var secretName = setting.Replace("__", "--", StringComparison.Ordinal);
        var value = (string?)Settings[setting];

        Assert.Contains("@Microsoft.KeyVault(VaultName={0};SecretName=" + secretName + ")", value, StringComparison.Ordinal);
        Assert.Contains("parameters('keyVaultName')", value, StringComparison.Ordinal);
        var stored = CompiledTemplate.ModuleParameter(CompiledTemplate.Module("key-vault"), "secrets")!.AsObject();
        Assert.True(stored.ContainsKey(secretName), $"Key Vault secret {secretName} is not created.");
    }
}
