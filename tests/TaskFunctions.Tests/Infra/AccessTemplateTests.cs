using System.Text.Json.Nodes;

namespace TaskFunctions.Tests.Infra;

/// <summary>The compiled identity, role assignments, Key Vault and Application Insights: one identity, looped grants, no local auth.</summary>
public sealed class AccessTemplateTests
{
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    private static readonly string[] StorageDataRoles =
    [
        "ba92f5b4-2d11-453d-a403-e96b0029c9fe", // Storage Blob Data Owner
        "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
        "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
    ];

    [Fact]
    public void Identity_UserAssigned_IsExactlyOne()
    {
        var identity = CompiledTemplate.Single("Microsoft.ManagedIdentity/userAssignedIdentities");

        Assert.NotNull(identity["name"]);
    }

    [Fact]
    public void StorageRoleAssignments_CopyLoop_GrantsTheAppIdentityAndTheDeployingUserAllDataRoles()
    {
        var loops = CompiledTemplate.OfType(RoleAssignmentType).Where(r => r["copy"] is not null).ToList();
        var modules = loops.SelectMany(CompiledTemplate.ModulesDeclaring).ToList();

        Assert.Equal(2, loops.Count);
        Assert.Equal(["app-storage-access", "user-storage-access"], modules.Select(m => (string)m["name"]!).Order(StringComparer.Ordinal));
        foreach (var module in modules)
        {
            var roles = CompiledTemplate.ModuleParameter(module, "roleDefinitionIds")!.AsArray().Select(r => (string)r!);
            Assert.Equal(StorageDataRoles.Order(StringComparer.Ordinal), roles.Order(StringComparer.Ordinal));
        }

        foreach (var loop in loops)
        {
            Assert.Contains("length(parameters('roleDefinitionIds'))", (string?)loop["copy"]!["count"], StringComparison.Ordinal);
            Assert.Contains("parameters('roleDefinitionIds')[copyIndex()]", (string?)loop["properties"]!["roleDefinitionId"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void StorageRoleAssignments_PrincipalTypes_AreServicePrincipalForTheAppAndAParameterForTheUser()
    {
        var app = CompiledTemplate.Module("app-storage-access");
        var user = CompiledTemplate.Module("user-storage-access");

        Assert.Equal("ServicePrincipal", (string?)CompiledTemplate.ModuleParameter(app, "principalType"));
        Assert.Equal("[parameters('principalType')]", (string?)CompiledTemplate.ModuleParameter(user, "principalType"));
        Assert.Equal("[parameters('principalId')]", (string?)CompiledTemplate.ModuleParameter(user, "principalId"));
        Assert.Equal("[not(empty(parameters('principalId')))]", (string?)user["condition"]);
        Assert.Equal("User", (string?)CompiledTemplate.Root["parameters"]!["principalType"]!["defaultValue"]);
    }

    [Fact]
    public void RoleAssignments_Names_AreGuidOfScopePrincipalAndRole()
    {
        var assignments = CompiledTemplate.OfType(RoleAssignmentType);

        Assert.Equal(4, assignments.Count);
        foreach (var assignment in assignments)
        {
            var name = (string)assignment["name"]!;
            var scope = (string)assignment["scope"]!;
            var principal = ((string)assignment["properties"]!["principalId"]!).Trim('[', ']');
            Assert.StartsWith("[guid(" + scope.Trim('[', ']') + ", " + principal + ", ", name, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("monitoring", "3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components")] // Monitoring Metrics Publisher
    [InlineData("key-vault", "4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults")] // Key Vault Secrets User
    public void RoleAssignment_AppIdentity_IsGrantedOnItsResource(string module, string roleId, string scopeType)
    {
        var deployment = CompiledTemplate.Module(module);
        var template = CompiledTemplate.NestedTemplate(deployment);
        var assignment = CompiledTemplate.OfType(RoleAssignmentType).Single(r => CompiledTemplate.ModulesDeclaring(r).Contains(deployment));

        Assert.Contains(template["variables"]!.AsObject(), v => (string?)v.Value == roleId);
        Assert.Contains($"resourceId('{scopeType}'", (string?)assignment["scope"], StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);
        Assert.Contains("outputs.principalId.value", deployment.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationInsights_LocalAuth_IsDisabled()
    {
        var properties = CompiledTemplate.Single("Microsoft.Insights/components")["properties"]!;

        Assert.True((bool)properties["DisableLocalAuth"]!);
        Assert.NotNull(properties["WorkspaceResourceId"]);
        Assert.Single(CompiledTemplate.OfType("Microsoft.OperationalInsights/workspaces"));
    }

    [Fact]
    public void KeyVault_Properties_UseRbacSoftDeleteAndParameterisedPurgeProtection()
    {
        var properties = CompiledTemplate.Single("Microsoft.KeyVault/vaults")["properties"]!;

        Assert.True((bool)properties["enableRbacAuthorization"]!);
        Assert.True((bool)properties["enableSoftDelete"]!);
        Assert.Contains("parameters('enablePurgeProtection')", (string?)properties["enablePurgeProtection"], StringComparison.Ordinal);
        Assert.Equal("[parameters('keyVaultEnablePurgeProtection')]", (string?)CompiledTemplate.ModuleParameter(CompiledTemplate.Module("key-vault"), "enablePurgeProtection"));
    }

    [Fact]
    public void KeyVault_Secrets_ComeFromSecureParameters()
    {
        var module = CompiledTemplate.Module("key-vault");
        var secrets = CompiledTemplate.ModuleParameter(module, "secrets")!.AsObject();
        var rootParameters = CompiledTemplate.Root["parameters"]!.AsObject();

        Assert.Equal("secureObject", (string?)CompiledTemplate.NestedTemplate(module)["parameters"]!["secrets"]!["type"]);
        Assert.NotNull(CompiledTemplate.Single("Microsoft.KeyVault/vaults/secrets")["copy"]);
        Assert.Equal(
            ["Providers--Fal--ApiKey", "Providers--OpenAI--ApiKey", "Providers--Replicate--ApiToken", "Webhooks--SigningSecret"],
            secrets.Select(s => s.Key).Order(StringComparer.Ordinal));
        foreach (var secret in secrets)
        {
            var parameter = ((string)secret.Value!)["[parameters('".Length..^"')]".Length];
            Assert.Equal("securestring", (string?)rootParameters[parameter]!["type"]);
        }
    }
}
