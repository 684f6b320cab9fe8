using System.Text;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Tasks;

public class TaskJsonTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public void DeserializeDocument_RoundTrip_KeepsInternalAndKind()
    {
        var task = new FaceEnhancerTaskPublic
        {
            Id = "0b7a6f2e-5d1c-4c8e-9a43-1f2e3d4c5b6a",
            InputImagePath = "face-enhancements/x/inputs/input_image.png",
            CreatedAt = Now,
            UpdatedAt = Now,
            ProviderConfig = new JsonObject { ["k"] = 1 },
            Internal = new TaskInternalState { Tenant = "t1", FallbackUsed = true, InputPaths = new() { ["input_image"] = "p" } },
        };

        var copy = TaskJson.DeserializeDocument(TaskJson.SerializeDocument(task));

        var face = Assert.IsType<FaceEnhancerTaskPublic>(copy);
        Assert.Equal("t1", face.Internal.Tenant);
        Assert.True(face.FallbackUsed);
        Assert.Equal("p", face.Internal.InputPaths!["input_image"]);
        Assert.Equal(Now, face.CreatedAt);
        Assert.Equal(1, face.ProviderConfig!["k"]!.GetValue<int>());
    }

    [Fact]
    public void SerializeDocument_Always_ContainsInternal()
    {
        var task = new RefineTaskPublic { Internal = new TaskInternalState { Tenant = "t1", WebhookUrl = "https://e.com/h" } };

        var json = JsonNode.Parse(TaskJson.SerializeDocument(task))!;

        Assert.Equal("t1", json["_internal"]!["tenant"]!.GetValue<string>());
        Assert.Equal("https://e.com/h", json["_internal"]!["webhook_url"]!.GetValue<string>());
    }

    [Fact]
    public void SerializePublic_Always_OmitsInternal()
    {
        var task = new RefineTaskPublic { Internal = new TaskInternalState { Tenant = "secret-tenant" } };

        var json = Encoding.UTF8.GetString(TaskJson.SerializePublic(task));

        Assert.DoesNotContain("_internal", json, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-tenant", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToPublicJson_Timestamps_AreIsoUtcWithZ()
    {
        var task = new GenerationTaskPublic { CreatedAt = new DateTimeOffset(2025, 3, 4, 7, 6, 7, TimeSpan.FromHours(2)) };

        var json = TaskJson.ToPublicJson(task);

        Assert.Equal("2025-03-04T05:06:07.000000Z", json["created_at"]!.GetValue<string>());
    }

    [Fact]
    public void DeserializeDocument_UnknownTaskType_Throws()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => TaskJson.DeserializeDocument("""{"task_type":"PAINTING"}"""));
    }

    [Fact]
    public void ReadCreateRequest_AfterToPublic_ReturnsRequestWithStoredPaths()
    {
        var request = (CreateDetailEnhancerTask)TaskRequestParser.ParseCreate(
            TaskRequestParserCreateTests.Body(TaskType.DETAIL_ENHANCER, """{"base_image":"aGVsbG8=","detail_label":"logo"}""")).Value!;
        var stored = new Dictionary<string, string> { ["base_image"] = "detail-enhancements/id/inputs/base_image.png" };
        var task = TaskJson.DeserializeDocument(TaskJson.SerializeDocument(request.ToPublic("id", "t", Now, stored)));

        var back = TaskJson.ReadCreateRequest<CreateDetailEnhancerTask>(task);

        Assert.Equal("detail-enhancements/id/inputs/base_image.png", back.BaseImage);
        Assert.Equal("https://example.com/b.png", back.ReferenceImage);
        Assert.Equal("logo", back.DetailLabel);
        Assert.IsType<CreateDetailEnhancerTask>(TaskJson.ReadCreateRequest(task));
    }
}
