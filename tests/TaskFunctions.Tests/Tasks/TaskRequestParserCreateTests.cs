using System.Text;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Tests.Tasks;

public class TaskRequestParserCreateTests
{
    private static readonly Dictionary<TaskType, string> Minimal = new()
    {
        [TaskType.GENERATION] = """{"prompt":"a cat"}""",
        [TaskType.EDITING] = """{"prompt":"make it blue","base_image":"https://example.com/a.png"}""",
        [TaskType.REFINE] = """{"base_image_url":"https://example.com/a.png"}""",
        [TaskType.EXPERIMENTAL_FAL] = """{"fal_app_id":"fal-ai/flux/dev"}""",
        [TaskType.VIDEO_GENERATION] = """{"prompt":"waves"}""",
        [TaskType.LLM_INTERACTION] = """{"prompt":"hello"}""",
        [TaskType.BACKGROUND_REMOVAL] = """{"input_image_paths":["https://example.com/a.png"]}""",
        [TaskType.DETAIL_ENHANCER] = """{"base_image":"https://example.com/a.png","reference_image":"https://example.com/b.png"}""",
        [TaskType.BACKGROUND_FIX] = """{"base_image":"https://example.com/a.png","palette_image":"https://example.com/b.png"}""",
        [TaskType.IMAGE_ADJUSTER] = """{"input_image":"https://example.com/a.png","aspect_ratio":1.5}""",
        [TaskType.FACE_ENHANCER] = """{"input_image":"https://example.com/a.png"}""",
    };

    public static TheoryData<TaskType> Kinds()
    {
        var data = new TheoryData<TaskType>();
        foreach (var kind in TaskKinds.All)
        {
            data.Add(kind);
        }

        return data;
    }

    /// <summary>kind, fields merged into the minimal valid body (null removes a field), expected loc, expected type.</summary>
    public static TheoryData<TaskType, string, string, string> InvalidBodies() => new()
    {
        { TaskType.GENERATION, """{"origin_instance":null}""", "body.origin_instance", "string_type" },
        { TaskType.GENERATION, """{"origin_instance":"#remove"}""", "body.origin_instance", "missing" },
        { TaskType.GENERATION, """{"prompt":"#remove"}""", "body.prompt", "missing" },
        { TaskType.GENERATION, """{"prompt":5}""", "body.prompt", "string_type" },
        { TaskType.GENERATION, """{"priority":1.5}""", "body.priority", "int_from_float" },
        { TaskType.GENERATION, """{"priority":"1"}""", "body.priority", "int_type" },
        { TaskType.GENERATION, """{"priority":null}""", "body.priority", "int_type" },
        { TaskType.GENERATION, """{"width":0}""", "body.width", "greater_than_equal" },
        { TaskType.GENERATION, """{"height":16385}""", "body.height", "less_than_equal" },
        { TaskType.GENERATION, """{"reference_image_strength":101}""", "body.reference_image_strength", "less_than_equal" },
        { TaskType.GENERATION, """{"reference_image_strength":"x"}""", "body.reference_image_strength", "float_type" },
        { TaskType.GENERATION, """{"provider_type":"NOPE"}""", "body.provider_type", "enum" },
        { TaskType.GENERATION, """{"provider_type":"FAL","fallback_provider_type":"FAL"}""", "body", "value_error" },
        { TaskType.GENERATION, """{"config":[1]}""", "body.config", "dict_type" },
        { TaskType.GENERATION, """{"active_provider_capabilities":"X"}""", "body.active_provider_capabilities", "list_type" },
        { TaskType.GENERATION, """{"active_provider_capabilities":["A",2]}""", "body.active_provider_capabilities.1", "string_type" },
        { TaskType.GENERATION, """{"webhook_url":"/relative"}""", "body.webhook_url", "url_parsing" },
        { TaskType.GENERATION, """{"webhook_url":"ftp://example.com/x"}""", "body.webhook_url", "url_scheme" },
        { TaskType.GENERATION, """{"reference_image_data":"aGk=","reference_image_url":"https://e.com/x.png"}""", "body", "value_error" },
        { TaskType.EDITING, """{"base_image":"#remove"}""", "body.base_image", "missing" },
        { TaskType.EDITING, """{"base_image_url":"https://example.com/b.png"}""", "body", "value_error" },
        { TaskType.EDITING, """{"reference_images":["a",3]}""", "body.reference_images.1", "string_type" },
        { TaskType.EDITING, """{"reference_images":["a",""]}""", "body.reference_images.1", "value_error" },
        { TaskType.EDITING, """{"width":-1}""", "body.width", "greater_than_equal" },
        { TaskType.REFINE, """{"base_image_url":"#remove"}""", "body.base_image_url", "missing" },
        { TaskType.REFINE, """{"upscale_factor":0}""", "body.upscale_factor", "greater_than" },
        { TaskType.REFINE, """{"upscale_factor":8.5}""", "body.upscale_factor", "less_than_equal" },
        { TaskType.REFINE, """{"target_width":0}""", "body.target_width", "greater_than_equal" },
        { TaskType.REFINE, """{"upscale_enabled":"yes"}""", "body.upscale_enabled", "bool_type" },
        { TaskType.EXPERIMENTAL_FAL, """{"fal_app_id":"#remove"}""", "body.fal_app_id", "missing" },
        { TaskType.EXPERIMENTAL_FAL, """{"fal_app_id":""}""", "body.fal_app_id", "string_too_short" },
        { TaskType.EXPERIMENTAL_FAL, """{"fal_app_id":"no-slash"}""", "body.fal_app_id", "string_pattern_mismatch" },
        { TaskType.EXPERIMENTAL_FAL, """{"fal_parameters":"x"}""", "body.fal_parameters", "dict_type" },
        { TaskType.VIDEO_GENERATION, """{"prompt":"#remove"}""", "body.prompt", "missing" },
        { TaskType.VIDEO_GENERATION, """{"duration_seconds":61}""", "body.duration_seconds", "less_than_equal" },
        { TaskType.VIDEO_GENERATION, """{"duration_seconds":0}""", "body.duration_seconds", "greater_than_equal" },
        { TaskType.VIDEO_GENERATION, """{"cfg_scale":2.5}""", "body.cfg_scale", "less_than_equal" },
        { TaskType.VIDEO_GENERATION, """{"input_image_data":"aGk=","input_image_url":"https://e.com/x.png"}""", "body", "value_error" },
        { TaskType.LLM_INTERACTION, """{"prompt":"#remove"}""", "body.prompt", "missing" },
        { TaskType.LLM_INTERACTION, """{"input_images":[null]}""", "body.input_images.0", "string_type" },
        { TaskType.BACKGROUND_REMOVAL, """{"input_image_paths":"#remove"}""", "body.input_image_paths", "missing" },
        { TaskType.BACKGROUND_REMOVAL, """{"input_image_paths":[]}""", "body.input_image_paths", "too_short" },
        { TaskType.BACKGROUND_REMOVAL, """{"input_image_paths":null}""", "body.input_image_paths", "list_type" },
        { TaskType.DETAIL_ENHANCER, """{"reference_image":"#remove"}""", "body.reference_image", "missing" },
        { TaskType.DETAIL_ENHANCER, """{"base_image":"#remove"}""", "body.base_image", "missing" },
        { TaskType.BACKGROUND_FIX, """{"palette_image":"#remove"}""", "body.palette_image", "missing" },
        { TaskType.BACKGROUND_FIX, """{"strategy":"BLUR"}""", "body.strategy", "enum" },
        { TaskType.BACKGROUND_FIX, """{"mask_expansion_percentage":1.5}""", "body.mask_expansion_percentage", "less_than_equal" },
        { TaskType.BACKGROUND_FIX, """{"edge_blur_sigma":-1}""", "body.edge_blur_sigma", "greater_than_equal" },
        { TaskType.BACKGROUND_FIX, """{"shadow_threshold":256}""", "body.shadow_threshold", "less_than_equal" },
        { TaskType.BACKGROUND_FIX, """{"shadow_threshold":200,"light_threshold":100}""", "body", "value_error" },
        { TaskType.IMAGE_ADJUSTER, """{"input_image":"#remove"}""", "body.input_image", "missing" },
        { TaskType.IMAGE_ADJUSTER, """{"mode":"stretch"}""", "body.mode", "enum" },
        { TaskType.IMAGE_ADJUSTER, """{"cropping_position":"middle"}""", "body.cropping_position", "enum" },
        { TaskType.IMAGE_ADJUSTER, """{"resampling":"sinc"}""", "body.resampling", "enum" },
        { TaskType.IMAGE_ADJUSTER, """{"scaling_proportions":"all"}""", "body.scaling_proportions", "enum" },
        { TaskType.IMAGE_ADJUSTER, """{"aspect_ratio":0}""", "body.aspect_ratio", "greater_than" },
        { TaskType.IMAGE_ADJUSTER, """{"aspect_ratio":"#remove"}""", "body", "value_error" },
        { TaskType.IMAGE_ADJUSTER, """{"target_width":100}""", "body", "value_error" },
        { TaskType.IMAGE_ADJUSTER, """{"target_width":100,"target_height":100}""", "body", "value_error" },
        { TaskType.IMAGE_ADJUSTER, """{"margin_top":0.6,"margin_bottom":0.5}""", "body", "value_error" },
        { TaskType.IMAGE_ADJUSTER, """{"margin_left":1.2}""", "body.margin_left", "less_than_equal" },
        { TaskType.IMAGE_ADJUSTER, """{"tolerance":-0.1}""", "body.tolerance", "greater_than_equal" },
        { TaskType.FACE_ENHANCER, """{"input_image":"#remove"}""", "body.input_image", "missing" },
        { TaskType.FACE_ENHANCER, """{"input_image":""}""", "body.input_image", "string_too_short" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ParseCreate_MinimalBody_ReturnsKindWithDefaults(TaskType kind)
    {
        var body = Body(kind, "{}");

        var result = TaskRequestParser.ParseCreate(body);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{Loc(e)} {e.Type}")));
        Assert.Equal(kind, result.Value.TaskType);
        Assert.IsType(TaskKinds.CreateType(kind), result.Value);
        Assert.Equal("node-1", result.Value.OriginInstance);
        Assert.Equal(0, result.Value.Priority);
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public void ParseCreate_InvalidField_ReportsLocAndType(TaskType kind, string patch, string loc, string type)
    {
        var body = Body(kind, patch);

        var result = TaskRequestParser.ParseCreate(body);

        var error = Assert.Single(result.Errors);
        Assert.Equal(loc, Loc(error));
        Assert.Equal(type, error.Type);
    }

    [Fact]
    public void ParseCreate_SeveralProblems_ReportsEach()
    {
        var body = Encoding.UTF8.GetBytes("""{"task_type":"GENERATION","priority":"x","width":0}""");

        var result = TaskRequestParser.ParseCreate(body);

        Assert.Equal(
            ["body.origin_instance missing", "body.priority int_type", "body.prompt missing", "body.width greater_than_equal"],
            result.Errors.Select(e => $"{Loc(e)} {e.Type}").Order());
    }

    [Fact]
    public void ParseCreate_RangeError_UsesPydanticMessage()
    {
        var body = Body(TaskType.VIDEO_GENERATION, """{"duration_seconds":0,"cfg_scale":-1}""");

        var result = TaskRequestParser.ParseCreate(body);

        Assert.Contains(result.Errors, e => e.Msg == "Input should be greater than or equal to 1");
        Assert.Contains(result.Errors, e => e.Msg == "Input should be greater than or equal to 0.0");
    }

    [Fact]
    public void ParseCreate_EnumError_ListsChoices()
    {
        var body = Body(TaskType.IMAGE_ADJUSTER, """{"mode":"stretch"}""");

        var result = TaskRequestParser.ParseCreate(body);

        var error = Assert.Single(result.Errors);
        Assert.Equal("Input should be 'auto', 'crop', 'pad' or 'scale'", error.Msg);
    }

    [Fact]
    public void ParseCreate_MalformedJson_ReportsJsonInvalidAtOffset()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":\n  tru}");

        var result = TaskRequestParser.ParseCreate(body);

        var error = Assert.Single(result.Errors);
        Assert.Equal("json_invalid", error.Type);
        Assert.Equal("JSON decode error", error.Msg);
        Assert.Equal("body", error.Loc[0]);
        Assert.InRange(Assert.IsType<long>(error.Loc[1]), 6L, 12L);
    }

    [Fact]
    public void ParseCreate_EmptyBody_ReportsMissingBody()
    {
        var result = TaskRequestParser.ParseCreate([]);

        // FastAPI validates an empty body as no body at all: "Field required" at ["body"].
        var error = Assert.Single(result.Errors);
        Assert.Equal("missing", error.Type);
        Assert.Equal(["body"], error.Loc);
    }

    [Fact]
    public void ParseCreate_ArrayBody_ReportsModelAttributesType()
    {
        var result = TaskRequestParser.ParseCreate("[]"u8);

        var error = Assert.Single(result.Errors);
        Assert.Equal("model_attributes_type", error.Type);
        Assert.Equal(["body"], error.Loc);
    }

    [Fact]
    public void ParseCreate_MissingTaskType_ReportsUnionTagNotFound()
    {
        var result = TaskRequestParser.ParseCreate("""{"origin_instance":"x","prompt":"p"}"""u8);

        var error = Assert.Single(result.Errors);
        Assert.Equal("union_tag_not_found", error.Type);
        Assert.Equal("Unable to extract tag using discriminator 'task_type'", error.Msg);
        Assert.Equal(["body"], error.Loc);
    }

    [Fact]
    public void ParseCreate_UnknownTaskType_ReportsUnionTagInvalid()
    {
        var result = TaskRequestParser.ParseCreate("""{"task_type":"PAINTING","origin_instance":"x"}"""u8);

        var error = Assert.Single(result.Errors);
        Assert.Equal("union_tag_invalid", error.Type);
        Assert.StartsWith("Input tag 'PAINTING' found using 'task_type' does not match any of the expected tags: 'GENERATION', 'EDITING'", error.Msg);
        Assert.EndsWith("'FACE_ENHANCER'", error.Msg);
    }

    [Fact]
    public void ParseCreate_RequiredTypeWithoutTaskType_DefaultsToRequiredType()
    {
        var result = TaskRequestParser.ParseCreate("""{"origin_instance":"x","prompt":"p"}"""u8, TaskType.GENERATION);

        Assert.True(result.IsValid);
        Assert.IsType<CreateGenerationTask>(result.Value);
    }

    [Fact]
    public void ParseCreate_RequiredTypeMismatch_ReportsLiteralError()
    {
        var result = TaskRequestParser.ParseCreate("""{"task_type":"EDITING","origin_instance":"x","prompt":"p"}"""u8, TaskType.GENERATION);

        var error = Assert.Single(result.Errors);
        Assert.Equal("literal_error", error.Type);
        Assert.Equal("Input should be 'GENERATION'", error.Msg);
        Assert.Equal(["body", "task_type"], error.Loc);
    }

    [Fact]
    public void ParseCreate_IntegralFloatAndExtraField_AcceptedAndExtraIgnored()
    {
        var body = Body(TaskType.GENERATION, """{"priority":3.0,"unknown_field":1,"seed":12345678901}""");

        var result = TaskRequestParser.ParseCreate(body);

        Assert.True(result.IsValid);
        var request = Assert.IsType<CreateGenerationTask>(result.Value);
        Assert.Equal(3, request.Priority);
        Assert.Equal(12345678901L, request.Seed);
    }

    [Fact]
    public void ParseCreate_ImageAdjusterDefaults_AreApplied()
    {
        var result = TaskRequestParser.ParseCreate(Body(TaskType.IMAGE_ADJUSTER, "{}"));

        var request = Assert.IsType<CreateImageAdjusterTask>(result.Value);
        Assert.Equal("auto", request.Mode);
        Assert.Equal("center", request.CroppingPosition);
        Assert.Equal("lanczos", request.Resampling);
        Assert.Equal(0, request.Tolerance);
    }

    [Fact]
    public void ParseCreate_BackgroundRemovalOver50Images_ReportsTooLong()
    {
        var images = new JsonArray([.. Enumerable.Range(0, 51).Select(i => (JsonNode)$"https://e.com/{i}.png")]);
        var patch = new JsonObject { ["input_image_paths"] = images }.ToJsonString();

        var result = TaskRequestParser.ParseCreate(Body(TaskType.BACKGROUND_REMOVAL, patch));

        var error = Assert.Single(result.Errors);
        Assert.Equal("too_long", error.Type);
        Assert.Equal("List should have at most 50 items after validation, not 51", error.Msg);
    }

    [Fact]
    public void ParseCreate_NullForOptionalField_IsAccepted()
    {
        var result = TaskRequestParser.ParseCreate(Body(TaskType.GENERATION, """{"width":null,"provider_type":null,"config":null}"""));

        Assert.True(result.IsValid);
    }

    internal static byte[] Body(TaskType kind, string patch)
    {
        var body = JsonNode.Parse(Minimal[kind])!.AsObject();
        body["task_type"] = kind.ToString();
        body["origin_instance"] = "node-1";
        foreach (var (name, value) in JsonNode.Parse(patch)!.AsObject())
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var s) && s == "#remove")
            {
                body.Remove(name);
            }
            else
            {
                body[name] = value?.DeepClone();
            }
        }

        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    internal static string Loc(ValidationErrorItem error) => string.Join('.', error.Loc);
}
