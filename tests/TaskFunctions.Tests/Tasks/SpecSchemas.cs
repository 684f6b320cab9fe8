using System.Text.Json;

namespace TaskFunctions.Tests.Tasks;

/// <summary>Reads the shared spec's schemas.json (../shared/spec relative to the repository root).</summary>
internal static class SpecSchemas
{
    private static readonly Lazy<Dictionary<string, HashSet<string>>> Fields = new(Load);

    public static IReadOnlyDictionary<string, HashSet<string>> All => Fields.Value;

    public static HashSet<string> FieldsOf(string schema) => Fields.Value[schema];

    private static Dictionary<string, HashSet<string>> Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TaskFunctions.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            throw new InvalidOperationException("Repository root (TaskFunctions.sln) not found.");
        }

        var path = Path.Combine(dir.Parent.FullName, "shared", "spec", "schemas.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var schema in document.RootElement.EnumerateObject())
        {
            if (schema.Value.TryGetProperty("fields", out var fields) && fields.EnumerateObject().Any())
            {
                result[schema.Name] = fields.EnumerateObject().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            }
        }

        return result;
    }
}
