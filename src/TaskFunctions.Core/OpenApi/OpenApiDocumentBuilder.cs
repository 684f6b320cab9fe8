using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.OpenApi;

/// <summary>The service's OpenAPI 3.1 document, generated from the same model types and serializer the API uses.</summary>
/// <remarks>
/// Generated rather than hand-written so it cannot drift from the contract: component schemas come from
/// <see cref="TaskJson.Api"/>'s JSON contract of the <see cref="TaskKinds"/> models, constraints from their
/// validation attributes. The document never changes while the process runs, so it is built once.
/// </remarks>
public static class OpenApiDocumentBuilder
{
    /// <summary>The document's <c>info.title</c>.</summary>
    public const string Title = "TaskFunctions Tasks API";

    /// <summary>The document's <c>info.version</c>.</summary>
    public const string Version = "1.0.0";

    private static readonly Lazy<byte[]> Utf8 = new(() => Serialize(Create()));

    /// <summary>A fresh, mutable copy of the document.</summary>
    public static JsonObject Build() => JsonNode.Parse(Utf8.Value)!.AsObject();

    /// <summary>The document as UTF-8 JSON, for <c>GET /api/openapi.json</c>.</summary>
    /// <remarks>The same cached array is returned on every call: write it out, never modify it.</remarks>
    public static byte[] BuildUtf8() => Utf8.Value;

    private static JsonObject Create()
    {
        var schemas = new ModelSchemaGenerator(TaskJson.Api);
        foreach (var kind in TaskKinds.All)
        {
            schemas.AddObject(TaskKinds.CreateType(kind), SchemaRole.Create);
            schemas.AddObject(TaskKinds.PublicType(kind), SchemaRole.Response);
            schemas.AddObject(TaskKinds.PublicUpdateType(kind), SchemaRole.Update);
        }

        schemas.AddObject(typeof(GenerationTaskUpdate), SchemaRole.Update);

        // Enums referenced by fields are added on the way; these are named by the contract even where unreferenced.
        foreach (var enumType in new[] { typeof(TaskType), typeof(TaskState), typeof(ProviderType), typeof(ErrorCategory), typeof(BackgroundFixStrategy) })
        {
            schemas.AddEnum(enumType);
        }

        AddValidationErrors(schemas);

        // Capability lists travel as plain strings (other names are kept, not interpreted); these are the ones the service acts on.
        schemas.Add("ProviderCapability", new JsonObject
        {
            ["type"] = "string",
            ["title"] = "ProviderCapability",
            ["enum"] = new JsonArray([.. Enum.GetNames<ProviderCapability>().Select(name => (JsonNode?)JsonValue.Create(name))]),
            ["description"] = "What a provider (its app or model) can do, listed in active_provider_capabilities / "
                + "fallback_provider_capabilities or declared in configuration (Providers:Fal:Capabilities:{TaskType}). REFINE: "
                + "upscale_factor 2, 4 or 8 needs UPSCALE_2X, UPSCALE_4X or UPSCALE_8X; any other factor needs UPSCALE_FLOAT "
                + "(the provider gets upscale_factor); no factor needs OUTPUT_SIZE (the provider gets image_size: the target, or "
                + "twice the input). Create answers 422 at upscale_factor when active_provider_capabilities lack the one needed; "
                + "a fallback whose capabilities lack it is skipped.",
        });

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = Title,
                ["version"] = Version,
                ["description"] = "Durable task orchestration: create, track, update, cancel and clean up tasks of every kind.",
            },
            ["tags"] = new JsonArray(
                new JsonObject { ["name"] = "Tasks", ["description"] = "Generation and processing task management." },
                new JsonObject { ["name"] = "Health", ["description"] = "Unauthenticated health probe." }),
            ["paths"] = OpenApiPaths.Build(),
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Build(),
                ["securitySchemes"] = new JsonObject
                {
                    [OpenApiPaths.SecurityScheme] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["bearerFormat"] = "JWT",
                    },
                },
            },
        };
    }

    /// <summary>The 422 body: ValidationError from <see cref="ValidationErrorItem"/>, wrapped as FastAPI does.</summary>
    private static void AddValidationErrors(ModelSchemaGenerator schemas)
    {
        schemas.AddObject(typeof(ValidationErrorItem), SchemaRole.Response);

        // Loc is typed object in C# because it mixes field names and list indexes; say so precisely.
        var loc = schemas.Get(ModelSchemaGenerator.ComponentName(typeof(ValidationErrorItem)))["properties"]!["loc"]!.AsObject();
        loc["items"] = new JsonObject
        {
            ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "integer" }),
        };

        schemas.Add("HTTPValidationError", new JsonObject
        {
            ["type"] = "object",
            ["title"] = "HTTPValidationError",
            ["properties"] = new JsonObject
            {
                ["detail"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = ModelSchemaGenerator.Ref(typeof(ValidationErrorItem)),
                },
            },
        });
    }

    private static byte[] Serialize(JsonObject document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            document.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
