using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TaskFunctions.Tests.Infra;

/// <summary>infra/main.bicep compiled once to ARM JSON, with lookups across the nested module deployments.</summary>
public static partial class CompiledTemplate
{
    private const string DeploymentType = "Microsoft.Resources/deployments";

    private static readonly Lazy<BicepRun> BuildRun = new(() => BicepCli.Run("build", "infra/main.bicep", "--stdout"));

    private static readonly Lazy<JsonObject> RootTemplate = new(() =>
        Build.ExitCode == 0
            ? Materialize(JsonNode.Parse(Build.Stdout)!).AsObject()
            : throw new InvalidOperationException("bicep build failed: " + Build));

    /// <summary>The bicep build run (stdout is the ARM template).</summary>
    public static BicepRun Build => BuildRun.Value;

    /// <summary>The subscription-scope template.</summary>
    public static JsonObject Root => RootTemplate.Value;

    /// <summary>Every resource in the main template and, recursively, in its modules' nested templates.</summary>
    public static IEnumerable<JsonObject> AllResources() => ResourcesOf(Root);

    /// <summary>Resources of <paramref name="type"/> anywhere in the template tree.</summary>
    public static IReadOnlyList<JsonObject> OfType(string type) =>
        AllResources().Where(r => (string?)r["type"] == type).ToList();

    /// <summary>The one resource of <paramref name="type"/>; fails if there are none or several.</summary>
    public static JsonObject Single(string type)
    {
        var found = OfType(type);
        Assert.True(found.Count == 1, $"Expected exactly one {type}, found {found.Count}.");
        return found[0];
    }

    /// <summary>The module deployment named <paramref name="name"/> in the main template.</summary>
    public static JsonObject Module(string name) =>
        ResourceList(Root).Single(r => (string?)r["type"] == DeploymentType && (string?)r["name"] == name);

    /// <summary>Module deployments whose own nested template (not a deeper one) contains <paramref name="resource"/>.</summary>
    public static IReadOnlyList<JsonObject> ModulesDeclaring(JsonObject resource) =>
        ResourceList(Root)
            .Where(r => (string?)r["type"] == DeploymentType && ResourceList(NestedTemplate(r)).Contains(resource))
            .ToList();

    /// <summary>The value a module is given for <paramref name="parameter"/>; bare variables('x') references (also as array items) are resolved against the main template.</summary>
    public static JsonNode? ModuleParameter(JsonObject module, string parameter) =>
        Resolve(module["properties"]?["parameters"]?[parameter]?["value"]);

    /// <summary>The template deployed by a module deployment.</summary>
    public static JsonObject NestedTemplate(JsonObject module) =>
        module["properties"]?["template"]?.AsObject() ?? throw new InvalidOperationException("Deployment without an inline template.");

    private static JsonNode? Resolve(JsonNode? value) => value switch
    {
        JsonValue text when text.TryGetValue(out string? expression) && VariableReference().Match(expression) is { Success: true } match =>
            Resolve(Root["variables"]?[match.Groups[1].Value]),
        JsonArray array => new JsonArray(array.Select(item => Resolve(item)?.DeepClone()).ToArray()),
        _ => value,
    };

    /// <summary>
    /// JsonObject fills its members lazily on first access, which is not thread-safe; tests in several classes read
    /// this one tree in parallel, so every node is touched once here, inside the Lazy.
    /// </summary>
    private static JsonNode Materialize(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Materialize(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Materialize(child);
                    }
                }

                break;
        }

        return node;
    }

    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template)
    {
        foreach (var resource in ResourceList(template))
        {
            yield return resource;
            if ((string?)resource["type"] == DeploymentType)
            {
                foreach (var nested in ResourcesOf(NestedTemplate(resource)))
                {
                    yield return nested;
                }
            }
        }
    }

    // languageVersion 2.0 templates hold resources in an object keyed by symbolic name (existing ones included,
    // flagged "existing"); 1.0 templates in an array. Only resources the deployment creates are returned.
    private static IEnumerable<JsonObject> ResourceList(JsonObject template)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject map => map.Select(p => p.Value!.AsObject()),
            _ => [],
        };
        return resources.Where(r => r["existing"] is not JsonValue flag || !flag.GetValue<bool>());
    }

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();
}
