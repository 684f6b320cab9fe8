using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>Field names per schema from ../shared/spec/schemas.json, the contract.</summary>
public static class SpecSchemas
{
    private static readonly Lazy<JsonObject> Schemas = new(() =>
        JsonNode.Parse(File.ReadAllText(RepositoryPaths.SharedSpec("schemas.json")))!.AsObject());

    public static IReadOnlySet<string> Fields(string schema) =>
        Schemas.Value[schema]!["fields"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
}
