using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

[Collection(SelfHostCollection.Name)]
public sealed class LifecycleTests(SelfHostFixture fixture)
{
    [Fact]
    public async Task ImageAdjuster_Base64Png_CompletesWithResultBlobOfRequestedSize()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = TestImages.PngBase64(300, 200);
        body["target_width"] = 128;
        body["target_height"] = 128;
        body["mode"] = "pad";

        var created = await ApiCalls.CreateAsync(client, body);
        var id = created["id"]!.GetValue<string>();
        var final = await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);

        Assert.Equal("PENDING", created["status"]!.GetValue<string>());
        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        Assert.NotNull(final["started_at"]);
        Assert.NotNull(final["completed_at"]);
        Assert.Equal(100.0, final["progress"]!.GetValue<double>());
        var resultPath = final["result_image_path"]!.GetValue<string>();
        Assert.Equal($"image-adjustments/{id}/result.png", resultPath);
        var bytes = await DownloadAsync(resultPath);
        using var image = Image.Load(bytes);
        Assert.Equal(128, image.Width);
        Assert.Equal(128, image.Height);
    }

    [Fact]
    public async Task ImageAdjuster_AspectRatioCrop_CompletesWithThatAspect()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body.Remove("target_width");
        body.Remove("target_height");
        body["input_image"] = TestImages.PngDataUrl(400, 200);
        body["aspect_ratio"] = 1.0;
        body["mode"] = "crop";
        body["cropping_position"] = "left";

        var created = await ApiCalls.CreateAsync(client, body);
        var final = await ApiCalls.WaitForAsync(client, created["id"]!.GetValue<string>(), ApiCalls.IsTerminal);

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        using var image = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(await DownloadAsync(final["result_image_path"]!.GetValue<string>()));
        Assert.Equal(image.Width, image.Height);
        Assert.Equal(255, image[image.Width - 1, 0].R);
    }

    [Fact]
    public async Task BackgroundFix_PersonCutout_CompletesWithPersonUntouchedAndBackgroundRecoloured()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        using var person = new Image<Rgba32>(80, 60, new Rgba32(235, 235, 235, 0));
        for (var y = 15; y < 45; y++)
        {
            for (var x = 30; x < 50; x++)
            {
                person[x, y] = new Rgba32(200, 150, 120, 255);
            }
        }

        using var palette = new Image<Rgba32>(10, 10, new Rgba32(40, 90, 220, 255));
        var body = SampleBodies.For("BACKGROUND_FIX");
        body["base_image"] = Convert.ToBase64String(TestImages.Png(person));
        body["palette_image"] = Convert.ToBase64String(TestImages.Png(palette));
        body["edge_blur_sigma"] = 0.0;
        body["mask_expansion_percentage"] = 0.0;

        var created = await ApiCalls.CreateAsync(client, body);
        var final = await ApiCalls.WaitForAsync(client, created["id"]!.GetValue<string>(), ApiCalls.IsTerminal);

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        using var result = Image.Load<Rgba32>(await DownloadAsync(final["result_image_path"]!.GetValue<string>()));
        Assert.Equal(new Rgba32(200, 150, 120, 255), result[40, 30]);
        var background = result[2, 2];
        Assert.True(background.B > background.R, $"background {background} should have moved toward blue");
    }

    [Fact]
    public async Task ImageAdjuster_ImageUrlInput_IsFetchedStoredAndAdjusted()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = fixture.Images.Url("image.png").ToString();

        var created = await ApiCalls.CreateAsync(client, body);
        var id = created["id"]!.GetValue<string>();
        var final = await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);

        Assert.StartsWith($"image-adjustments/{id}/inputs/", created["input_image_path"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ImageAdjuster_Margins_PlacesTheSubjectWithTheRequestedMargins()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        using var subject = new Image<Rgba32>(200, 100, new Rgba32(255, 255, 255, 255));
        for (var y = 20; y < 60; y++)
        {
            for (var x = 50; x < 90; x++)
            {
                subject[x, y] = new Rgba32(200, 0, 0, 255);
            }
        }

        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = Convert.ToBase64String(TestImages.Jpeg(subject));
        body["target_width"] = 100;
        body["target_height"] = 100;
        body["margin_top"] = 0.25;
        body["margin_bottom"] = 0.25;
        body["scaling_proportions"] = "height";

        var created = await ApiCalls.CreateAsync(client, body);
        var final = await ApiCalls.WaitForAsync(client, created["id"]!.GetValue<string>(), ApiCalls.IsTerminal);

        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        using var result = Image.Load<Rgba32>(await DownloadAsync(final["result_image_path"]!.GetValue<string>()));
        Assert.Equal((100, 100), (result.Width, result.Height));
        var firstRed = Enumerable.Range(0, 100).First(y => result[50, y].R > 150 && result[50, y].G < 80);
        var lastRed = Enumerable.Range(0, 100).Last(y => result[50, y].R > 150 && result[50, y].G < 80);
        Assert.InRange(firstRed, 23, 27);
        Assert.InRange(lastRed, 72, 76);
    }

    [Fact]
    public async Task Cancel_PendingTask_BecomesCancelledAndStaysCancelled()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("IMAGE_ADJUSTER"));
        var id = created["id"]!.GetValue<string>();

        var (status, cancelled) = await ApiCalls.SendAsync(client, HttpMethod.Post, ApiCalls.Tasks + id + "/cancel");
        // Once the orchestration has ended it runs no step, so a late write or result would already be there.
        var workflow = await fixture.WaitForWorkflowEndAsync(id);
        var (_, later) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("CANCELLED", cancelled!["status"]!.GetValue<string>());
        Assert.Equal("Completed", workflow);
        Assert.Equal("CANCELLED", later!["status"]!.GetValue<string>());
        Assert.Null(later["result_image_path"]);
        Assert.Empty(await ListBlobsAsync("image-adjustments", id + "/result"));
    }

    [Fact]
    public async Task Cancel_TerminalTask_Returns409()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("GENERATION"));
        var id = created["id"]!.GetValue<string>();
        await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);

        var (status, json) = await ApiCalls.SendAsync(client, HttpMethod.Post, ApiCalls.Tasks + id + "/cancel");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.IsType<string>(json!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cleanup_CompletedTask_DeletesBlobsKeepsRecordAndHidesFromList()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("IMAGE_ADJUSTER"));
        var id = created["id"]!.GetValue<string>();
        await ApiCalls.WaitForAsync(client, id, s => s == "COMPLETED");
        Assert.NotEmpty(await ListBlobsAsync("image-adjustments", id + "/"));

        var (status, _) = await ApiCalls.SendAsync(client, HttpMethod.Post, ApiCalls.Tasks + id + "/cleanup");
        var (getStatus, _) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);
        var (_, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks);
        var (_, withDeleted) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "?include_deleted=true");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(await ListBlobsAsync("image-adjustments", id + "/"));
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.DoesNotContain(list!.AsArray(), t => t!["id"]!.GetValue<string>() == id);
        Assert.Contains(withDeleted!.AsArray(), t => t!["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task Delete_CompletedTask_RemovesBlobsRecordIndexAndHistory()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        using var client = fixture.Client(tenant);
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("IMAGE_ADJUSTER"));
        var id = created["id"]!.GetValue<string>();
        await ApiCalls.WaitForAsync(client, id, s => s == "COMPLETED");
        Assert.True(await InstanceExistsAsync(id));

        var (status, deleted) = await ApiCalls.SendAsync(client, HttpMethod.Delete, ApiCalls.Tasks + id);
        var (getStatus, _) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);
        var (_, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "?include_deleted=true");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, deleted!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, getStatus);
        Assert.Empty(list!.AsArray());
        Assert.Empty(await ListBlobsAsync("image-adjustments", id + "/"));
        Assert.False(await InstanceExistsAsync(id));
    }

    [Fact]
    public async Task Update_PublicUpdateFields_AreApplied()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("LLM_INTERACTION"));
        var id = created["id"]!.GetValue<string>();

        var (status, json) = await ApiCalls.SendAsync(client, HttpMethod.Put, ApiCalls.Tasks + id, "{\"priority\": 7, \"executor_instance\": \"worker-9\"}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(7, json!["priority"]!.GetValue<int>());
        Assert.Equal("worker-9", json["executor_instance"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_FieldOutsideSchema_Returns422ExtraForbidden()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("IMAGE_ADJUSTER"));
        var id = created["id"]!.GetValue<string>();

        var (status, json) = await ApiCalls.SendAsync(client, HttpMethod.Put, ApiCalls.Tasks + id, "{\"result_image_path\": \"evil\", \"priority\": 1}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = json!["detail"]!.AsArray().Single();
        Assert.Equal("result_image_path", error!["loc"]![1]!.GetValue<string>());
        Assert.Equal("extra_forbidden", error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_StatusOfTerminalTask_Returns409()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("GENERATION"));
        var id = created["id"]!.GetValue<string>();
        await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);

        var (status, _) = await ApiCalls.SendAsync(client, HttpMethod.Put, ApiCalls.Tasks + id, "{\"status\": \"RUNNING\"}");

        Assert.Equal(HttpStatusCode.Conflict, status);
    }

    [Fact]
    public async Task GenerationRoutes_NonGenerationTask_Return404()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("LLM_INTERACTION"));
        var id = created["id"]!.GetValue<string>();

        var (get, _) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "generation/" + id);
        var (put, _) = await ApiCalls.SendAsync(client, HttpMethod.Put, ApiCalls.Tasks + "generation/" + id, "{}");
        var (cancel, _) = await ApiCalls.SendAsync(client, HttpMethod.Post, ApiCalls.Tasks + "generation/" + id + "/cancel");

        Assert.Equal(HttpStatusCode.NotFound, get);
        Assert.Equal(HttpStatusCode.NotFound, put);
        Assert.Equal(HttpStatusCode.NotFound, cancel);
    }

    [Fact]
    public async Task GenerationRoutes_GenerationTask_GetUpdateWithGenerationUpdateSchema()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var created = await ApiCalls.CreateAsync(client, SampleBodies.For("GENERATION"));
        var id = created["id"]!.GetValue<string>();

        var (put, updated) = await ApiCalls.SendAsync(client, HttpMethod.Put, ApiCalls.Tasks + "generation/" + id, "{\"subject_lora_weight\": 0.7, \"queue_name\": \"gpu\"}");
        var (get, fetched) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "generation/" + id);

        Assert.Equal(HttpStatusCode.OK, put);
        Assert.Equal(0.7, updated!["subject_lora_weight"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.OK, get);
        Assert.Equal(0.7, fetched!["subject_lora_weight"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("12345")]
    public async Task Get_MalformedId_Returns422(string id)
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));

        var (status, json) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + id);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("task_id", json!["detail"]![0]!["loc"]![1]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_UnknownId_Returns404()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));

        var (status, json) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Task not found", json!["detail"]!.GetValue<string>());
    }

    private async Task<byte[]> DownloadAsync(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var blob = new BlobServiceClient(fixture.StorageConnectionString).GetBlobContainerClient(path[..slash]).GetBlobClient(path[(slash + 1)..]);
        var content = await blob.DownloadContentAsync();
        return content.Value.Content.ToArray();
    }

    private async Task<List<string>> ListBlobsAsync(string container, string prefix)
    {
        var client = new BlobServiceClient(fixture.StorageConnectionString).GetBlobContainerClient(container);
        var names = new List<string>();
        await foreach (var item in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None))
        {
            names.Add(item.Name);
        }

        return names;
    }

    private async Task<bool> InstanceExistsAsync(string instanceId)
    {
        var hub = fixture.Host.Environment["TASKHUB_NAME"];
        var table = new TableServiceClient(fixture.StorageConnectionString).GetTableClient(hub + "Instances");
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId))
        {
            return true;
        }

        return false;
    }
}
