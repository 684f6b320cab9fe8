using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.OpenApi;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.OpenApi;

public class OpenApiDocumentBuilderTests
{
    private static readonly JsonObject Document = OpenApiDocumentBuilder.Build();

    private static JsonObject Schemas => Document["components"]!["schemas"]!.AsObject();

    public static TheoryData<string> SpecObjectSchemas => [.. SpecSchemas.All.Keys.Order(StringComparer.Ordinal)];

    public static TheoryData<TaskType> Kinds => [.. TaskKinds.All];

    public static TheoryData<string, string> SeedOperations => new()
    {
        { "/api/v1/tasks/", "post" },
        { "/api/v1/tasks/", "get" },
        { "/api/v1/tasks/{task_id}", "get" },
        { "/api/v1/tasks/{task_id}", "put" },
        { "/api/v1/tasks/{task_id}", "delete" },
        { "/api/v1/tasks/{task_id}/cancel", "post" },
        { "/api/v1/tasks/{task_id}/cleanup", "post" },
        { "/api/v1/tasks/generation", "post" },
        { "/api/v1/tasks/generation", "get" },
        { "/api/v1/tasks/generation/{task_id}", "get" },
        { "/api/v1/tasks/generation/{task_id}", "put" },
        { "/api/v1/tasks/generation/{task_id}/cancel", "post" },
    };

    [Fact]
    public void BuildUtf8_Parsed_IsOpenApi31WithTitleAndVersion()
    {
        var bytes = OpenApiDocumentBuilder.BuildUtf8();

        using var parsed = JsonDocument.Parse(bytes);

        var root = parsed.RootElement;
        Assert.Equal("3.1.0", root.GetProperty("openapi").GetString());
        Assert.Equal("TaskFunctions Tasks API", root.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal("1.0.0", root.GetProperty("info").GetProperty("version").GetString());
    }

    [Fact]
    public void BuildUtf8_CalledTwice_ReturnsCachedBytes()
    {
        var first = OpenApiDocumentBuilder.BuildUtf8();

        var second = OpenApiDocumentBuilder.BuildUtf8();

        Assert.Same(first, second);
    }

    [Fact]
    public void Build_CopyMutated_NextBuildUnaffected()
    {
        var copy = OpenApiDocumentBuilder.Build();
        copy["openapi"] = "changed";

        var next = OpenApiDocumentBuilder.Build();

        Assert.Equal("3.1.0", next["openapi"]!.GetValue<string>());
    }

    [Fact]
    public void Build_ComponentSchemas_HaveExactlySpecSchemaNames()
    {
        using var spec = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Spec("schemas.json")));
        var expected = spec.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

        var actual = Schemas.Select(p => p.Key).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(SpecObjectSchemas))]
    public void Build_ObjectSchema_HasSpecFieldNames(string schema)
    {
        var properties = Schemas[schema]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);

        Assert.Equal(SpecSchemas.FieldsOf(schema).Order(StringComparer.Ordinal), properties);
    }

    [Theory]
    [MemberData(nameof(SeedOperations))]
    public void Build_SeedOperation_IsPresentWithBearerSecurity(string path, string method)
    {
        var operation = Document["paths"]![path]?[method];

        Assert.NotNull(operation);
        var requirement = Assert.Single(operation["security"]!.AsArray());
        Assert.True(requirement!.AsObject().ContainsKey("HTTPBearer"));
    }

    [Fact]
    public void Build_PathsAndMethods_AreTheRouteTableButTheDocumentTheDocsAndTheFallback()
    {
        var documented = Document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => m.Key.ToUpperInvariant() + " " + p.Key))
            .Order(StringComparer.Ordinal);

        var expected = ApiRoutes.All
            .Where(r => r != ApiRoutes.OpenApiDocument && r.Operation != ApiOperation.Docs && !r.IsFallback)
            .Select(r => r.Method + " /api/" + r.Template.Replace("{*", "{", StringComparison.Ordinal) + (r.Template == ApiRoutes.Tasks ? "/" : ""))
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, documented);
    }

    [Fact]
    public void Build_HealthOperation_HasNoSecurity()
    {
        var health = Document["paths"]!["/api/health"]?["get"];

        Assert.NotNull(health);
        Assert.False(health.AsObject().ContainsKey("security"));
        Assert.NotNull(health["responses"]!["200"]);
    }

    [Fact]
    public void Build_SecurityScheme_IsHttpBearerJwt()
    {
        var scheme = Document["components"]!["securitySchemes"]!["HTTPBearer"]!;

        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Equal("JWT", scheme["bearerFormat"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(SeedOperations))]
    public void Build_SeedOperation_422ReferencesHTTPValidationError(string path, string method)
    {
        var schema = Document["paths"]![path]![method]!["responses"]!["422"]!["content"]!["application/json"]!["schema"]!;

        Assert.Equal("#/components/schemas/HTTPValidationError", schema["$ref"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("401")]
    [InlineData("403")]
    [InlineData("404")]
    [InlineData("409")]
    public void Build_CancelTaskError_IsDetailString(string status)
    {
        var schema = Document["paths"]!["/api/v1/tasks/{task_id}/cancel"]!["post"]!["responses"]![status]!["content"]!["application/json"]!["schema"]!;

        Assert.Equal("string", schema["properties"]!["detail"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Build_CreateTaskBody_IsAnyOfEveryCreateSchema()
    {
        var schema = Document["paths"]!["/api/v1/tasks/"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

        var refs = schema["anyOf"]!.AsArray().Select(r => r!["$ref"]!.GetValue<string>());

        Assert.Equal(TaskKinds.All.Select(k => "#/components/schemas/" + TaskKinds.CreateType(k).Name), refs);
        Assert.Equal("task_type", schema["discriminator"]!["propertyName"]!.GetValue<string>());
    }

    [Fact]
    public void Build_UpdateTaskBody_IsAnyOfEveryPublicUpdateSchema()
    {
        var schema = Document["paths"]!["/api/v1/tasks/{task_id}"]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

        var refs = schema["anyOf"]!.AsArray().Select(r => r!["$ref"]!.GetValue<string>());

        Assert.Equal(TaskKinds.All.Select(k => "#/components/schemas/" + TaskKinds.PublicUpdateType(k).Name), refs);
    }

    [Theory]
    [InlineData("/api/v1/tasks/generation", "post", "CreateGenerationTask", "GenerationTaskPublic")]
    [InlineData("/api/v1/tasks/generation/{task_id}", "put", "GenerationTaskUpdate", "GenerationTaskPublic")]
    public void Build_GenerationWriteRoute_UsesGenerationSchemas(string path, string method, string body, string response)
    {
        var operation = Document["paths"]![path]![method]!;

        Assert.Equal("#/components/schemas/" + body, operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/" + response, operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/tasks/")]
    [InlineData("/api/v1/tasks/generation")]
    public void Build_CreateOperation_DocumentsTheIdempotencyKeyHeader(string path)
    {
        var operation = Document["paths"]![path]!["post"]!;

        var parameter = Assert.Single(operation["parameters"]!.AsArray());
        Assert.Equal("Idempotency-Key", parameter!["name"]!.GetValue<string>());
        Assert.Equal("header", parameter["in"]!.GetValue<string>());
        Assert.False(parameter["required"]!.GetValue<bool>());
        Assert.Equal(1, parameter["schema"]!["minLength"]!.GetValue<int>());
        Assert.Equal(255, parameter["schema"]!["maxLength"]!.GetValue<int>());
        Assert.Matches(parameter["schema"]!["pattern"]!.GetValue<string>(), "order-42");
        Assert.DoesNotMatch(parameter["schema"]!["pattern"]!.GetValue<string>(), "order 42");
        Assert.NotNull(operation["responses"]!["200"]!["headers"]!["Idempotent-Replayed"]);
        Assert.Equal("string", operation["responses"]!["409"]!["content"]!["application/json"]!["schema"]!["properties"]!["detail"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Build_ListTasks_ReturnsArrayOfEveryPublicSchema()
    {
        var schema = Document["paths"]!["/api/v1/tasks/"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        Assert.Equal("array", schema["type"]!.GetValue<string>());
        Assert.Equal(TaskKinds.All.Count, schema["items"]!["anyOf"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("/api/v1/tasks/", "task_type")]
    [InlineData("/api/v1/tasks/generation", "workflow_id")]
    public void Build_ListRoute_HasSeedQueryParametersAndIncludeDeleted(string path, string kindFilter)
    {
        var parameters = Document["paths"]![path]!["get"]!["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>());

        Assert.Equal(
            new[] { "include_deleted", "limit", "origin_instance", "origin_tenant_id", "origin_zone", "skip", "status", kindFilter }.Order(StringComparer.Ordinal),
            parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(100, parameters["limit"]!["schema"]!["default"]!.GetValue<int>());
        Assert.Equal("boolean", parameters["include_deleted"]!["schema"]!["type"]!.GetValue<string>());
        Assert.All(parameters.Values, p => Assert.Equal("query", p!["in"]!.GetValue<string>()));
    }

    [Fact]
    public void Build_Document_HasNoInternalProperty()
    {
        var names = PropertyNames(Document).ToList();

        Assert.NotEmpty(names);
        Assert.DoesNotContain("_internal", names);
        Assert.DoesNotContain(PropertyNames(Document), n => n.Contains("internal", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Build_TaskStatus_HasLifecycleValues()
    {
        var values = Schemas["TaskStatus"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>());

        Assert.Equal(["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"], values);
    }

    [Fact]
    public void Build_EveryCreateSchema_RequiresOriginInstance()
    {
        var creates = TaskKinds.All.Select(k => TaskKinds.CreateType(k).Name);

        Assert.All(creates, name => Assert.Contains("origin_instance", Required(name)));
    }

    [Theory]
    [InlineData("CreateGenerationTask", "prompt")]
    [InlineData("CreateExperimentalFalTask", "fal_app_id")]
    [InlineData("CreateBackgroundFixTask", "base_image")]
    [InlineData("CreateBackgroundFixTask", "palette_image")]
    [InlineData("CreateRefineTask", "base_image_url")]
    public void Build_CreateSchemaRequiredField_IsInRequiredList(string schema, string field)
    {
        var required = Required(schema);

        Assert.Contains(field, required);
    }

    [Fact]
    public void Build_CreateSchemaOptionalField_IsNotRequiredAndHasModelDefault()
    {
        var width = Schemas["CreateEditingTask"]!["properties"]!["width"]!;

        Assert.DoesNotContain("width", Required("CreateEditingTask"));
        Assert.Equal(1024, width["default"]!.GetValue<int>());
    }

    [Fact]
    public void Build_UpdateSchemas_RequireNothing()
    {
        var updates = TaskKinds.All.Select(k => TaskKinds.PublicUpdateType(k).Name).Append("GenerationTaskUpdate");

        Assert.All(updates, name => Assert.Empty(Required(name)));
    }

    [Fact]
    public void Build_PublicSchema_RequiresEveryAlwaysWrittenField()
    {
        var schema = Schemas["GenerationTaskPublic"]!;

        var required = Required("GenerationTaskPublic");

        Assert.Equal(schema["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal), required.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Build_PublicSchema_HasExactlyTheKeysTheApiSerializerWrites(TaskType kind)
    {
        var type = TaskKinds.PublicType(kind);
        var task = (TaskPublicBase)Activator.CreateInstance(type)!;

        var written = TaskJson.ToPublicJson(task).AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);

        Assert.Equal(written, Schemas[type.Name]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("GenerationTaskPublic", "GENERATION")]
    [InlineData("CreateFaceEnhancerTask", "FACE_ENHANCER")]
    [InlineData("ImageAdjusterTaskPublic", "IMAGE_ADJUSTER")]
    public void Build_TaskTypeOfKindSchema_IsConstOfKind(string schema, string kind)
    {
        var taskType = Schemas[schema]!["properties"]!["task_type"]!;

        Assert.Equal(kind, taskType["const"]!.GetValue<string>());
    }

    [Fact]
    public void Build_NullableField_IsAnyOfWithNull()
    {
        var originZone = Schemas["CreateGenerationTask"]!["properties"]!["origin_zone"]!;

        var types = originZone["anyOf"]!.AsArray().Select(s => s!["type"]!.GetValue<string>());

        Assert.Equal(["string", "null"], types);
    }

    [Fact]
    public void Build_NonNullableField_HasPlainType()
    {
        var originInstance = Schemas["CreateGenerationTask"]!["properties"]!["origin_instance"]!;

        Assert.Equal("string", originInstance["type"]!.GetValue<string>());
        Assert.Null(originInstance["anyOf"]);
    }

    [Fact]
    public void Build_AttributeConstraints_BecomeSchemaKeywords()
    {
        var adjuster = Schemas["CreateImageAdjusterTask"]!["properties"]!;
        var removal = Schemas["CreateBackgroundRemovalTask"]!["properties"]!["input_image_paths"]!;
        var refine = Schemas["CreateRefineTask"]!["properties"]!["upscale_factor"]!["anyOf"]![0]!;
        var fix = Schemas["CreateBackgroundFixTask"]!["properties"]!["shadow_threshold"]!;

        Assert.Equal(["auto", "crop", "pad", "scale"], adjuster["mode"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(1, removal["minItems"]!.GetValue<int>());
        Assert.Equal(CreateBackgroundRemovalTask.MaxImages, removal["maxItems"]!.GetValue<int>());
        Assert.Equal(0d, refine["exclusiveMinimum"]!.GetValue<double>());
        Assert.Equal(8d, refine["maximum"]!.GetValue<double>());
        Assert.Equal(0, fix["minimum"]!.GetValue<long>());
        Assert.Equal(255, fix["maximum"]!.GetValue<long>());
        Assert.Equal("uri", Schemas["CreateGenerationTask"]!["properties"]!["webhook_url"]!["anyOf"]![0]!["format"]!.GetValue<string>());
    }

    [Fact]
    public void Build_UnboundedRangeSide_IsOmitted()
    {
        var sigma = Schemas["CreateBackgroundFixTask"]!["properties"]!["edge_blur_sigma"]!;

        Assert.Equal(0d, sigma["minimum"]!.GetValue<double>());
        Assert.Null(sigma["maximum"]);
    }

    [Fact]
    public void Build_StatusField_ReferencesTaskStatusComponent()
    {
        var status = Schemas["EditingTaskPublic"]!["properties"]!["status"]!;

        Assert.Equal("#/components/schemas/TaskStatus", status["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void Build_EveryRef_ResolvesToAComponent()
    {
        var refs = Refs(Document).Distinct().ToList();

        Assert.NotEmpty(refs);
        Assert.All(refs, r =>
        {
            Assert.StartsWith("#/components/schemas/", r, StringComparison.Ordinal);
            Assert.True(Schemas.ContainsKey(r["#/components/schemas/".Length..]), r);
        });
    }

    [Fact]
    public void Build_HTTPValidationError_IsArrayOfValidationError()
    {
        var detail = Schemas["HTTPValidationError"]!["properties"]!["detail"]!;
        var validationError = Schemas["ValidationError"]!;

        Assert.Equal("array", detail["type"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/ValidationError", detail["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal(["loc", "msg", "type"], Required("ValidationError").Order(StringComparer.Ordinal));
        Assert.Equal(2, validationError["properties"]!["loc"]!["items"]!["anyOf"]!.AsArray().Count);
    }

    private static List<string> Required(string schema) =>
        Schemas[schema]!["required"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

    /// <summary>Every key of every <c>properties</c> object in the document.</summary>
    private static IEnumerable<string> PropertyNames(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => (p.Key == "properties" && p.Value is JsonObject props ? props.Select(q => q.Key) : [])
            .Concat(PropertyNames(p.Value))),
        JsonArray array => array.SelectMany(PropertyNames),
        _ => [],
    };

    private static IEnumerable<string> Refs(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Key == "$ref" ? [p.Value!.GetValue<string>()] : Refs(p.Value)),
        JsonArray array => array.SelectMany(Refs),
        _ => [],
    };
}
