using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Infra;

/// <summary>What azd relies on: azure.yaml's service, main.parameters.json's azd variables, the resource token, tags and outputs.</summary>
public sealed class DeploymentContractTests
{
    public static TheoryData<string> AzdOutputs => new()
    {
        "AZURE_LOCATION",
        "AZURE_TENANT_ID",
        "AZURE_RESOURCE_GROUP",
        "AZURE_FUNCTION_APP_NAME",
        "SERVICE_API_NAME",
        "SERVICE_API_URI",
        "AZURE_STORAGE_ACCOUNT_NAME",
        "AZURE_KEY_VAULT_NAME",
    };

    [Theory]
    [MemberData(nameof(AzdOutputs))]
    public void Outputs_MainTemplate_IncludeAzdOutput(string name)
    {
        var output = CompiledTemplate.Root["outputs"]?[name];

        Assert.NotNull(output);
        Assert.Equal("string", (string?)output["type"]);
    }

    [Fact]
    public void Variables_ResourceTokenAndTags_FollowTheAzdConvention()
    {
        var variables = CompiledTemplate.Root["variables"]!;

        Assert.Equal(
            "[toLower(uniqueString(subscription().id, parameters('environmentName'), parameters('location')))]",
            (string?)variables["resourceToken"]);
        Assert.Equal("[parameters('environmentName')]", (string?)variables["tags"]!["azd-env-name"]);
    }

    [Fact]
    public void ParametersFile_AzdVariables_MapTheEnvironment()
    {
        var parameters = ReadParametersFile();

        Assert.Equal("${AZURE_ENV_NAME}", (string?)parameters["environmentName"]!["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)parameters["location"]!["value"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", (string?)parameters["principalId"]!["value"]);
        Assert.StartsWith("${AZURE_PRINCIPAL_TYPE", (string?)parameters["principalType"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersFile_Parameters_MatchTheTemplateAndCoverEveryRequiredOne()
    {
        var mapped = ReadParametersFile();
        var declared = CompiledTemplate.Root["parameters"]!.AsObject();

        Assert.All(mapped, p => Assert.True(declared.ContainsKey(p.Key), $"{p.Key} is not a main.bicep parameter."));
        var required = declared.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);
        Assert.All(required, name => Assert.True(mapped.ContainsKey(name), $"Required parameter {name} is not in main.parameters.json."));
    }

    [Fact]
    public void AzureYaml_ApiService_IsADotnetFunctionAtTheFunctionsProject()
    {
        var yaml = ReadSimpleYaml(Path.Combine(RepositoryPaths.Root, "azure.yaml"));

        Assert.Equal(["services.api.host", "services.api.language", "services.api.project"], yaml.Keys.Where(k => k.StartsWith("services.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal("function", yaml["services.api.host"]);
        Assert.Equal("dotnet", yaml["services.api.language"]);
        Assert.Equal("./src/TaskFunctions", yaml["services.api.project"]);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "src", "TaskFunctions", "TaskFunctions.csproj")));
    }

    private static JsonObject ReadParametersFile() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "main.parameters.json")))!["parameters"]!.AsObject();

    /// <summary>Block-style YAML of plain "key: value" lines as dotted paths (enough for azure.yaml; no lists or flow style).</summary>
    private static Dictionary<string, string> ReadSimpleYaml(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var parents = new List<(int Indent, string Key)>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.TrimEnd();
            var content = line.TrimStart();
            if (content.Length == 0 || content.StartsWith('#'))
            {
                continue;
            }

            var indent = line.Length - content.Length;
            var colon = content.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"Unexpected azure.yaml line: {line}");
            var key = content[..colon].Trim();
            var value = content[(colon + 1)..].Trim();

            parents.RemoveAll(p => p.Indent >= indent);
            var fullKey = string.Join('.', parents.Select(p => p.Key).Append(key));
            if (value.Length == 0)
            {
                parents.Add((indent, key));
            }
            else
            {
                values[fullKey] = value.Trim('"', '\'');
            }
        }

        return values;
    }
}
