using System.Net;
using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

[Collection(SelfHostCollection.Name)]
public sealed class InvalidCreateTests(SelfHostFixture fixture)
{
    /// <summary>kind, field to set (null value removes it), value as JSON, expected loc after "body", expected type (null: any).</summary>
    public static TheoryData<string, string, string?, string, string?> Cases => new()
    {
        { "GENERATION", "prompt", null, "prompt", "missing" },
        { "GENERATION", "origin_instance", null, "origin_instance", "missing" },
        { "GENERATION", "prompt", "42", "prompt", "string_type" },
        { "GENERATION", "priority", "\"high\"", "priority", null },
        { "GENERATION", "priority", "1.5", "priority", null },
        { "GENERATION", "reference_image_strength", "150", "reference_image_strength", "less_than_equal" },
        { "GENERATION", "provider_type", "\"AZURE\"", "provider_type", "enum" },
        { "GENERATION", "webhook_url", "\"ftp://example.com/hook\"", "webhook_url", null },
        { "GENERATION", "config", "[1,2]", "config", "dict_type" },
        { "EDITING", "base_image", null, "base_image", null },
        { "REFINE", "base_image_url", null, "base_image_url", "missing" },
        { "EXPERIMENTAL_FAL", "fal_app_id", null, "fal_app_id", "missing" },
        { "VIDEO_GENERATION", "duration_seconds", "0", "duration_seconds", "greater_than_equal" },
        { "VIDEO_GENERATION", "duration_seconds", "61", "duration_seconds", "less_than_equal" },
        { "VIDEO_GENERATION", "cfg_scale", "2.5", "cfg_scale", "less_than_equal" },
        { "LLM_INTERACTION", "prompt", null, "prompt", "missing" },
        { "BACKGROUND_REMOVAL", "input_image_paths", "\"one.png\"", "input_image_paths", "list_type" },
        { "DETAIL_ENHANCER", "reference_image", null, "reference_image", null },
        { "BACKGROUND_FIX", "shadow_threshold", "300", "shadow_threshold", "less_than_equal" },
        { "BACKGROUND_FIX", "light_threshold", "-1", "light_threshold", "greater_than_equal" },
        { "BACKGROUND_FIX", "mask_expansion_percentage", "1.5", "mask_expansion_percentage", "less_than_equal" },
        { "IMAGE_ADJUSTER", "input_image", null, "input_image", "missing" },
        { "IMAGE_ADJUSTER", "mode", "\"zoom\"", "mode", null },
        { "IMAGE_ADJUSTER", "margin_top", "1.5", "margin_top", "less_than_equal" },
        { "IMAGE_ADJUSTER", "tolerance", "-0.5", "tolerance", "greater_than_equal" },
        { "IMAGE_ADJUSTER", "input_image", "\"aGVsbG8gd29ybGQ=\"", "input_image", "value_error" },
        { "IMAGE_ADJUSTER", "input_image", "\"data:text/plain;base64,aGVsbG8=\"", "input_image", "value_error" },
        { "FACE_ENHANCER", "input_image", "123", "input_image", "string_type" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Create_InvalidField_Returns422AtThatField(string kind, string field, string? value, string loc, string? type)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        using var client = fixture.Client(tenant);
        var body = SampleBodies.For(kind);
        if (value is null)
        {
            body.Remove(field);
        }
        else
        {
            body[field] = JsonNode.Parse(value);
        }

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var errors = json!["detail"]!.AsArray();
        var match = errors.FirstOrDefault(e => e!["loc"]!.AsArray().Count >= 2
            && e["loc"]![0]!.GetValue<string>() == "body"
            && e["loc"]![1]!.ToString() == loc);
        Assert.True(match is not null, $"no error at body.{loc}: {json.ToJsonString()}");
        Assert.False(string.IsNullOrEmpty(match!["msg"]!.GetValue<string>()));
        if (type is not null)
        {
            Assert.Equal(type, match["type"]!.GetValue<string>());
        }

        await AssertNothingCreated(client);
    }

    [Fact]
    public async Task Create_ImageAdjusterWithOnlyTargetWidth_Returns422()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body.Remove("target_height");

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.All(json!["detail"]!.AsArray(), e => Assert.Equal("body", e!["loc"]![0]!.GetValue<string>()));
        await AssertNothingCreated(client);
    }

    [Fact]
    public async Task Create_ImageAdjusterWithAspectRatioAndTargetSize_Returns422()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["aspect_ratio"] = 1.5;

        var (status, _) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        await AssertNothingCreated(client);
    }

    [Fact]
    public async Task Create_TwoProblems_ReturnsOneEntryEach()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("VIDEO_GENERATION");
        body.Remove("prompt");
        body["duration_seconds"] = 99;

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var locs = json!["detail"]!.AsArray().Select(e => e!["loc"]![1]!.ToString()).ToList();
        Assert.Contains("prompt", locs);
        Assert.Contains("duration_seconds", locs);
    }

    [Theory]
    [InlineData("{\"task_type\": \"GENERATION\", ", "json_invalid")]
    [InlineData("{\"origin_instance\": \"x\", \"prompt\": \"p\"}", "union_tag_not_found")]
    [InlineData("{\"task_type\": \"PAINTING\", \"origin_instance\": \"x\"}", "union_tag_invalid")]
    [InlineData("[1, 2, 3]", null)]
    public async Task Create_BadEnvelope_Returns422WithBodyLoc(string raw, string? type)
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));

        var (status, json) = await ApiCalls.SendAsync(client, HttpMethod.Post, ApiCalls.Tasks, raw);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = json!["detail"]!.AsArray().Single();
        Assert.Equal("body", error!["loc"]![0]!.GetValue<string>());
        if (type is not null)
        {
            Assert.Equal(type, error["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Create_BodyOverTheCap_Returns422()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("GENERATION");
        body["prompt"] = new string('x', 5 * 1024 * 1024);

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("body", json!["detail"]![0]!["loc"]![0]!.GetValue<string>());
        await AssertNothingCreated(client);
    }

    public static TheoryData<string, string> HostileImages()
    {
        using var picture = TestImages.Split(64, 48, TestImages.Red, TestImages.Blue);
        var jpeg = TestImages.Jpeg(picture);
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0 }.Concat(new byte[64]).ToArray();
        return new TheoryData<string, string>
        {
            { "gif", Convert.ToBase64String(TestImages.Gif(picture)) },
            { "svg", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>")) },
            { "zip named png", "data:image/png;base64," + Convert.ToBase64String(zip) },
            { "png header 50000x50000", Convert.ToBase64String(TestImages.PngHeaderOnly(50_000, 50_000)) },
            { "truncated jpeg", Convert.ToBase64String(jpeg[..(jpeg.Length / 2)]) },
        };
    }

    [Theory]
    [MemberData(nameof(HostileImages))]
    public async Task Create_HostileImage_Returns422NamingTheField(string name, string image)
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = image;

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{name}: {(int)status} {json?.ToJsonString()}");
        var error = json!["detail"]!.AsArray().Single();
        Assert.Equal("input_image", error!["loc"]![1]!.GetValue<string>());
        Assert.Equal("value_error", error["type"]!.GetValue<string>());
        await AssertNothingCreated(client);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/x.png")]
    [InlineData("http://localhost:9/x.png")]
    [InlineData("http://[::1]:9/x.png")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/x.png")]
    [InlineData("http://172.16.0.1/x.png")]
    [InlineData("http://192.168.1.1/x.png")]
    [InlineData("http://100.64.0.1/x.png")]
    [InlineData("http://[fd00::1]/x.png")]
    [InlineData("http://[::ffff:127.0.0.1]/x.png")]
    [InlineData("ftp://127.0.0.1/x.png")]
    public async Task Create_ImageUrlToForbiddenAddress_Returns422(string url)
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = url;

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{url}: {(int)status} {json?.ToJsonString()}");
        Assert.Equal("input_image", json!["detail"]![0]!["loc"]![1]!.GetValue<string>());
        await AssertNothingCreated(client);
    }

    [Fact]
    public async Task Create_ImageUrlRedirectingToPrivateAddress_Returns422()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = fixture.Images.Url("redirect-to-private").ToString();

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("could not be fetched", json!["detail"]![0]!["msg"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ImageUrlServingHtml_Returns422()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = fixture.Images.Url("not-an-image").ToString();

        var (status, _) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
    }

    [Fact]
    public async Task Create_LocalPathWhileDisabled_Returns422()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = "../../etc/passwd";

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("input_image", json!["detail"]![0]!["loc"]![1]!.GetValue<string>());
    }

    private static async Task AssertNothingCreated(HttpClient client)
    {
        var (status, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "?include_deleted=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(list!.AsArray());
    }
}
