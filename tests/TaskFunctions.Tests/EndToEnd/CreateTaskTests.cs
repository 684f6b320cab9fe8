using System.Net;
using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

[Collection(SelfHostCollection.Name)]
public sealed class CreateTaskTests(SelfHostFixture fixture)
{
    public static TheoryData<string> Kinds => new(SampleBodies.Kinds);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Create_ValidBodyOfEachKind_ReturnsEveryPublicField(string kind)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        using var client = fixture.Client(tenant);

        var created = await ApiCalls.CreateAsync(client, SampleBodies.For(kind));

        var expected = SpecSchemas.FieldsOf(SampleBodies.PublicSchemaName(kind));
        Assert.Equal(expected.Order(StringComparer.Ordinal), created.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(kind, created["task_type"]!.GetValue<string>());
        Assert.Equal("PENDING", created["status"]!.GetValue<string>());
        Assert.Equal(tenant, created["origin_tenant_id"]!.GetValue<string>());
        Assert.True(Guid.TryParse(created["id"]!.GetValue<string>(), out _));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Create_KindWithoutExecutorOrWithOne_ReachesATerminalStateHonestly(string kind)
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For(kind));

        var final = await ApiCalls.WaitForAsync(client, created["id"]!.GetValue<string>(), ApiCalls.IsTerminal);

        if (kind is "VIDEO_GENERATION" or "LLM_INTERACTION")
        {
            // The fake fal server answers unscripted apps with an image: no video, no text — refused, not passed off as a result.
            Assert.Equal("FAILED", final["status"]!.GetValue<string>());
            Assert.Equal("PROVIDER_ERROR", final["error_category"]!.GetValue<string>());
            Assert.NotNull(final["completed_at"]);
        }
        else
        {
            Assert.True(final["status"]!.GetValue<string>() == "COMPLETED", final.ToJsonString());
            Assert.Equal(kind is "IMAGE_ADJUSTER" or "BACKGROUND_FIX" ? "LOCAL" : "FAL", final["provider_type"]!.GetValue<string>());
        }

        if (kind is "GENERATION" or "EDITING" or "REFINE" or "EXPERIMENTAL_FAL")
        {
            Assert.False(string.IsNullOrEmpty(final["fal_request_id"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task CreateGeneration_OnGenerationRouteWithoutTaskType_CreatesGeneration()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = new JsonObject { ["origin_instance"] = "tests", ["prompt"] = "a dog" };

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks + "generation", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("GENERATION", json!["task_type"]!.GetValue<string>());
        Assert.Equal(SpecSchemas.FieldsOf("GenerationTaskPublic").Count, json.AsObject().Count);
    }

    [Fact]
    public async Task Create_WithoutTrailingSlash_IsTheSameRoute()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));

        var (status, json) = await ApiCalls.PostAsync(client, "api/v1/tasks", SampleBodies.For("GENERATION"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("PENDING", json!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_DeprecatedBaseImageData_IsMappedToBaseImagePath()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = new JsonObject
        {
            ["task_type"] = "EDITING",
            ["origin_instance"] = "tests",
            ["prompt"] = "x",
            ["base_image_data"] = TestImages.PngBase64(4, 4),
        };

        var created = await ApiCalls.CreateAsync(client, body);

        var path = created["base_image_path"]!.GetValue<string>();
        Assert.StartsWith("editings/" + created["id"]!.GetValue<string>() + "/inputs/", path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ForAnotherTenantAsNonAdmin_Returns403AndWritesNothing()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        using var client = fixture.Client(tenant);

        var (status, json) = await ApiCalls.PostAsync(client, ApiCalls.Tasks, SampleBodies.For("GENERATION", tenant: "someone-else"));
        var (_, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.IsType<string>(json!["detail"]!.GetValue<string>());
        Assert.Empty(list!.AsArray());
    }

    [Fact]
    public async Task Create_ForAnotherTenantAsAdmin_CreatesInThatTenant()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        using var admin = fixture.Client(null, admin: true);
        using var owner = fixture.Client(tenant);

        var created = await ApiCalls.CreateAsync(admin, SampleBodies.For("GENERATION", tenant));
        var (status, _) = await ApiCalls.GetAsync(owner, ApiCalls.Tasks + created["id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, status);
    }
}
