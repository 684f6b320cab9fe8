using System.Text.Json;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Field names per schema from docs/spec/schemas.json, the API contract.</summary>
public static class SpecSchemas
{
    // schemas.json lists a field "integer" under RefineTaskPublic that tasks-api.txt's RefineTaskPublic table
    // does not have: a scraping artefact (a type name read as a field), not a field of the API.
    private static readonly Dictionary<string, string[]> Artefacts = new()
    {
        ["RefineTaskPublic"] = ["integer"],
    };

    private static readonly Lazy<Dictionary<string, HashSet<string>>> Schemas = new(Load);

    /// <summary>Every schema that has fields, by name.</summary>
    public static IReadOnlyDictionary<string, HashSet<string>> All => Schemas.Value;

    /// <summary>The contract's field names of one schema.</summary>
    public static HashSet<string> FieldsOf(string schema) => Schemas.Value[schema];

    private static Dictionary<string, HashSet<string>> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Spec("schemas.json")));
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var schema in document.RootElement.EnumerateObject())
        {
            if (schema.Value.TryGetProperty("fields", out var fields) && fields.EnumerateObject().Any())
            {
                var names = fields.EnumerateObject().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
                names.ExceptWith(Artefacts.GetValueOrDefault(schema.Name) ?? []);
                result[schema.Name] = names;
            }
        }

        return result;
    }
}
