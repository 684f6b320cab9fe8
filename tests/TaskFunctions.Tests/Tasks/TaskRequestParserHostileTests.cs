using System.Text;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.OpenApi;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Tasks;

/// <summary>Bodies a hostile client sends: each is a FastAPI-shaped 422, never an exception.</summary>
public class TaskRequestParserHostileTests
{
    private const string Prefix = """{"task_type":"GENERATION","origin_instance":"node-1","prompt":"p",""";

    /// <summary>Raw bytes placed inside a string value, and the offset of the first bad byte from the value's start.</summary>
    public static TheoryData<string, byte[]> InvalidUtf8 => new()
    {
        { "0xff", [0xFF] },
        { "0xfe", [0xFE] },
        { "overlong slash", [0xC0, 0xAF] },
        { "overlong nul", [0xC0, 0x80] },
        { "overlong 3-byte", [0xE0, 0x80, 0xAF] },
        { "overlong 4-byte", [0xF0, 0x80, 0x80, 0xAF] },
        { "5-byte", [0xF8, 0x88, 0x80, 0x80, 0x80] },
        { "6-byte", [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80] },
        { "encoded surrogate", [0xED, 0xA0, 0x80] },
        { "above U+10FFFF", [0xF4, 0x90, 0x80, 0x80] },
        { "lone continuation", [0x80] },
        { "truncated 3-byte", [0xE2, 0x82] },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void ParseCreate_InvalidUtf8InValue_ReturnsJsonInvalidAtTheByte(string name, byte[] bad)
    {
        var head = Encoding.UTF8.GetBytes(Prefix + "\"origin_zone\":\"ab");
        var body = head.Concat(bad).Concat("\"}"u8.ToArray()).ToArray();

        var result = TaskRequestParser.ParseCreate(body);

        var error = Assert.Single(result.Errors);
        Assert.Equal("json_invalid", error.Type);
        Assert.Equal(["body", (long)head.Length], error.Loc);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void ParseUpdate_InvalidUtf8InKey_ReturnsJsonInvalid(string name, byte[] bad)
    {
        var body = "{\"x"u8.ToArray().Concat(bad).Concat("\":1}"u8.ToArray()).ToArray();

        var result = TaskRequestParser.ParseUpdate(TaskType.GENERATION, body, TaskRouteFamily.Tasks);

        Assert.Equal("json_invalid", Assert.Single(result.Errors).Type);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Theory]
    [InlineData("""{"origin_zone":"\ud800"}""", "body.origin_zone")]
    [InlineData("""{"origin_zone":"abc\udc00"}""", "body.origin_zone")]
    [InlineData("""{"origin_zone":"\udc00\ud800"}""", "body.origin_zone")]
    [InlineData("""{"config":{"a":[1,"\ud800"]}}""", "body.config.a.1")]
    [InlineData("""{"config":{"\ud800":1}}""", "body.config.[key]")]
    [InlineData("""{"\ud800":1}""", "body.[key]")]
    [InlineData("""{"unknown":"\ud800"}""", "body.unknown")]
    public void ParseCreate_LoneSurrogate_ReturnsStringUnicodeAtItsPath(string fields, string loc)
    {
        var body = Encoding.UTF8.GetBytes(Prefix + fields[1..]);

        var result = TaskRequestParser.ParseCreate(body);

        var error = Assert.Single(result.Errors);
        Assert.Equal("string_unicode", error.Type);
        Assert.Equal(loc, string.Join('.', error.Loc));
    }

    [Fact]
    public void ParseCreate_EscapedSurrogatePair_IsAccepted()
    {
        var body = Encoding.UTF8.GetBytes(Prefix + "\"origin_zone\":\"\\ud83d\\ude00\"}");

        var result = TaskRequestParser.ParseCreate(body);

        Assert.True(result.IsValid);
        Assert.Equal("\U0001F600", result.Value!.OriginZone);
    }

    [Theory]
    [InlineData("9223372036854775807", null)]
    [InlineData("-9223372036854775808", null)]
    [InlineData("9223372036854775807.0", null)]
    [InlineData("9223372036854775808", "less_than_equal")]
    [InlineData("-9223372036854775809", "greater_than_equal")]
    [InlineData("1e19", "less_than_equal")]
    [InlineData("1e30", "less_than_equal")]
    [InlineData("-1e300", "greater_than_equal")]
    [InlineData("1e400", "less_than_equal")]
    [InlineData("1.5", "int_from_float")]
    [InlineData("1e-400", null)]
    public void ParseCreate_SeedAtInt64Bounds_AcceptsOnlyInt64(string seed, string? type)
    {
        var body = Encoding.UTF8.GetBytes(Prefix + "\"seed\":" + seed + "}");

        var result = TaskRequestParser.ParseCreate(body);

        if (type is null)
        {
            Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Type)));
        }
        else
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal(type, error.Type);
            Assert.Equal("body.seed", string.Join('.', error.Loc));
        }
    }

    [Fact]
    public void ParseCreate_SeedAtInt64Max_KeepsTheExactValue()
    {
        var result = TaskRequestParser.ParseCreate(Encoding.UTF8.GetBytes(Prefix + "\"seed\":9223372036854775807}"));

        Assert.Equal(long.MaxValue, ((CreateGenerationTask)result.Value!).Seed);
    }

    [Theory]
    [InlineData("\"reference_image_strength\":1e400")]
    [InlineData("\"subject_lora_weight\":-1e999")]
    public void ParseCreate_InfiniteNumber_ReturnsFiniteNumber(string field)
    {
        var result = TaskRequestParser.ParseCreate(Encoding.UTF8.GetBytes(Prefix + field + "}"));

        Assert.Equal("finite_number", Assert.Single(result.Errors).Type);
    }

    [Fact]
    public void ParseCreate_NestingAtMaxDepth_IsAccepted()
    {
        var depth = TaskRequestParser.MaxDepth - 1;
        var config = new string('[', depth - 1) + new string(']', depth - 1);

        var result = TaskRequestParser.ParseCreate(Encoding.UTF8.GetBytes(Prefix + "\"config\":{\"a\":" + config + "}}"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Type)));
    }

    [Theory]
    [InlineData(TaskRequestParser.MaxDepth)]
    [InlineData(100_000)]
    public void ParseCreate_NestingBeyondMaxDepth_ReturnsJsonInvalid(int depth)
    {
        var config = new string('[', depth) + new string(']', depth);

        var result = TaskRequestParser.ParseCreate(Encoding.UTF8.GetBytes(Prefix + "\"config\":{\"a\":" + config + "}}"));

        Assert.Equal("json_invalid", Assert.Single(result.Errors).Type);
    }

    [Theory]
    [InlineData("origin_instance", FieldLimits.Identifier)]
    [InlineData("origin_zone", FieldLimits.Identifier)]
    [InlineData("origin_tenant_id", FieldLimits.Identifier)]
    [InlineData("origin_reference", FieldLimits.Identifier)]
    [InlineData("queue_name", FieldLimits.Identifier)]
    [InlineData("fal_app_id", FieldLimits.Identifier)]
    [InlineData("prompt", FieldLimits.Text)]
    [InlineData("subject_model_path", FieldLimits.Url)]
    public void ParseCreate_StringAtAndOverItsLimit_AcceptsAtRefusesOver(string field, int limit)
    {
        static byte[] Body(string field, int length) =>
            Encoding.UTF8.GetBytes($$"""{"task_type":"GENERATION","origin_instance":"n","prompt":"p","{{field}}":"{{new string('a', length)}}"}""");

        var at = TaskRequestParser.ParseCreate(Body(field, limit));
        var over = TaskRequestParser.ParseCreate(Body(field, limit + 1));

        Assert.True(at.IsValid, string.Join("; ", at.Errors.Select(e => e.Type)));
        var error = Assert.Single(over.Errors);
        Assert.Equal("string_too_long", error.Type);
        Assert.Equal("body." + field, string.Join('.', error.Loc));
    }

    [Fact]
    public void ParseCreate_WebhookUrlOverLimit_ReturnsStringTooLong()
    {
        var url = "https://example.com/" + new string('a', FieldLimits.Url);

        var result = TaskRequestParser.ParseCreate(Encoding.UTF8.GetBytes(Prefix + "\"webhook_url\":\"" + url + "\"}"));

        Assert.Equal("string_too_long", Assert.Single(result.Errors).Type);
    }

    [Theory]
    [InlineData("{\"executor_instance\":\"" + "x" + "\"}", true)]
    [InlineData("{\"priority\":9223372036854775808}", false)]
    [InlineData("{\"priority\":2147483648}", false)]
    [InlineData("{\"progress\":1e400}", false)]
    public void ParseUpdate_HostileNumbersAndStrings_AreChecked(string body, bool valid)
    {
        var result = TaskRequestParser.ParseUpdate(TaskType.GENERATION, Encoding.UTF8.GetBytes(body), TaskRouteFamily.Generation);

        Assert.Equal(valid, result.IsValid);
    }

    [Fact]
    public void ParseUpdate_OriginZoneOverLimit_ReturnsStringTooLong()
    {
        var body = "{\"origin_zone\":\"" + new string('z', FieldLimits.Identifier + 1) + "\"}";

        var result = TaskRequestParser.ParseUpdate(TaskType.GENERATION, Encoding.UTF8.GetBytes(body), TaskRouteFamily.Generation);

        Assert.Equal("string_too_long", Assert.Single(result.Errors).Type);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData("application/merge-patch+json", true)]
    [InlineData("text/plain", false)]
    [InlineData("text/json", false)]
    [InlineData("application/x-www-form-urlencoded", false)]
    [InlineData("multipart/form-data; boundary=x", false)]
    [InlineData("application/xml", false)]
    [InlineData("image/png", false)]
    [InlineData("application/jsonx", false)]
    [InlineData("not a media type", false)]
    public void IsJson_ContentType_FollowsFastApi(string? contentType, bool expected)
    {
        Assert.Equal(expected, RequestBody.IsJson(contentType));
    }

    [Theory]
    [InlineData("CreateTaskBase", "origin_instance", FieldLimits.Identifier)]
    [InlineData("CreateGenerationTask", "prompt", FieldLimits.Text)]
    [InlineData("CreateGenerationTask", "webhook_url", FieldLimits.Url)]
    [InlineData("CreateGenerationTask", "origin_zone", FieldLimits.Identifier)]
    [InlineData("GenerationTaskUpdate", "origin_tenant_id", FieldLimits.Identifier)]
    [InlineData("GenerationTaskUpdate", "executor_instance", FieldLimits.Identifier)]
    public void OpenApi_LimitedField_PublishesMaxLength(string schema, string field, int limit)
    {
        var schemas = OpenApiDocumentBuilder.Build()["components"]!["schemas"]!;
        var name = schema == "CreateTaskBase" ? "CreateGenerationTask" : schema;
        var property = schemas[name]!["properties"]![field]!;
        var text = property["anyOf"]?[0] ?? property;

        Assert.Equal(limit, text["maxLength"]!.GetValue<int>());
    }
}
