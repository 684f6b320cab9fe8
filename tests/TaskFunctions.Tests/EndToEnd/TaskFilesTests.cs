using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>GET /api/v1/tasks/{task_id}/files/{*path} on the self-host, against files the workflow really wrote.</summary>
[Collection(SelfHostCollection.Name)]
public sealed class TaskFilesTests(SelfHostFixture fixture)
{
    [Fact]
    public async Task GetFile_CompletedResult_StreamsTheBlobWithTypeETagAndLength()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, final) = await CompletedAdjustmentAsync(client);
        var expected = await TaskBlobs.DownloadAsync(fixture.StorageConnectionString, final["result_image_path"]!.GetValue<string>());

        using var response = await client.GetAsync(new Uri(Files(id) + "result.png", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, bytes);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected.Length, response.Content.Headers.ContentLength);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(["bytes"], response.Headers.AcceptRanges);
    }

    [Fact]
    public async Task GetFile_SingleRange_Returns206WithThoseBytesAndContentRange()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, final) = await CompletedAdjustmentAsync(client);
        var expected = await TaskBlobs.DownloadAsync(fixture.StorageConnectionString, final["result_image_path"]!.GetValue<string>());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Files(id) + "result.png", UriKind.Relative));
        request.Headers.Range = new RangeHeaderValue(10, 29);

        using var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(expected[10..30], bytes);
        Assert.Equal(20, response.Content.Headers.ContentLength);
        Assert.Equal($"bytes 10-29/{expected.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task GetFile_SuffixRange_Returns206WithTheLastBytes()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, final) = await CompletedAdjustmentAsync(client);
        var expected = await TaskBlobs.DownloadAsync(fixture.StorageConnectionString, final["result_image_path"]!.GetValue<string>());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Files(id) + "result.png", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Range", "bytes=-7");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(expected[^7..], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes {expected.Length - 7}-{expected.Length - 1}/{expected.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task GetFile_RangePastTheEnd_Returns416WithLength()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, final) = await CompletedAdjustmentAsync(client);
        var length = (await TaskBlobs.DownloadAsync(fixture.StorageConnectionString, final["result_image_path"]!.GetValue<string>())).Length;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Files(id) + "result.png", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Range", $"bytes={length}-");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{length}", response.Content.Headers.ContentRange?.ToString());
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]);
    }

    [Fact]
    public async Task GetFile_IfNoneMatchCurrentETag_Returns304WithoutBody()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, _) = await CompletedAdjustmentAsync(client);
        using var first = await client.GetAsync(new Uri(Files(id) + "result.png", UriKind.Relative));
        var etag = first.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Files(id) + "result.png", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(etag);
        using var stale = new HttpRequestMessage(HttpMethod.Get, new Uri(Files(id) + "result.png", UriKind.Relative));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));

        using var response = await client.SendAsync(request);
        using var staleResponse = await client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, response.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, staleResponse.StatusCode);
    }

    [Fact]
    public async Task GetFile_OtherTenantsTask_Returns404AndAdminMayRead()
    {
        using var owner = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        using var stranger = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        using var admin = fixture.Client("t-" + Guid.NewGuid().ToString("N"), admin: true);
        var (id, _) = await CompletedAdjustmentAsync(owner);

        var (status, body) = await ApiCalls.GetAsync(stranger, Files(id) + "result.png");
        using var adminResponse = await admin.GetAsync(new Uri(Files(id) + "result.png", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Task not found", body!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, adminResponse.StatusCode);
    }

    [Fact]
    public async Task GetFile_PathTraversalVariants_Return404()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, _) = await CompletedAdjustmentAsync(client);
        var (other, _) = await CompletedAdjustmentAsync(client);
        var variants = new[]
        {
            $"../{other}/result.png",
            $"..%2F{other}%2Fresult.png",
            $"..%2f{other}%2fresult.png",
            $"%2E%2E/{other}/result.png",
            $"%2E%2E%2F{other}%2Fresult.png",
            $"..\\{other}\\result.png",
            $"..%5C{other}%5Cresult.png",
            $"inputs/../../{other}/result.png",
            $"inputs//input_image.png",
            $"/result.png",
            $"result.png/",
            $"inputs%2Finput_image.png",
            string.Empty,
        };

        using var raw = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        raw.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
        Uri Raw(string path) => new(fixture.Host.BaseAddress + Files(id) + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using (var control = await raw.GetAsync(Raw("result.png")))
        {
            // The uncanonicalized client reaches the route at all.
            Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        }

        foreach (var variant in variants)
        {
            using var response = await raw.GetAsync(Raw(variant));
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{variant}: {(int)response.StatusCode} {text}");
            Assert.NotNull(JsonNode.Parse(text)!["detail"]);
        }
    }

    [Fact]
    public async Task GetFile_UnknownFile_Returns404Detail()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, _) = await CompletedAdjustmentAsync(client);

        var (status, body) = await ApiCalls.GetAsync(client, Files(id) + "nothing-here.png");
        var (unknownTask, _) = await ApiCalls.GetAsync(client, Files(Guid.NewGuid().ToString()) + "result.png");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("File not found", body!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknownTask);
    }

    [Fact]
    public async Task GetFile_InputFile_StreamsTheStoredInput()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, final) = await CompletedAdjustmentAsync(client);
        var inputPath = final["input_image_path"]!.GetValue<string>();
        var prefix = $"image-adjustments/{id}/";
        Assert.StartsWith(prefix + "inputs/", inputPath, StringComparison.Ordinal);
        var expected = await TaskBlobs.DownloadAsync(fixture.StorageConnectionString, inputPath);

        using var response = await client.GetAsync(new Uri(Files(id) + inputPath[prefix.Length..], UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task GetFile_CleanedUpTask_Returns404()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var (id, _) = await CompletedAdjustmentAsync(client);

        var (cleanup, _) = await ApiCalls.SendAsync(client, HttpMethod.Post, ApiCalls.Tasks + id + "/cleanup");
        var (status, body) = await ApiCalls.GetAsync(client, Files(id) + "result.png");

        Assert.Equal(HttpStatusCode.OK, cleanup);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.NotNull(body!["detail"]);
    }

    [Fact]
    public async Task GetFile_InvalidTaskId_Returns422()
    {
        using var client = fixture.Client("t-" + Guid.NewGuid().ToString("N"));

        var (status, body) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "not-a-uuid/files/result.png");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("uuid_parsing", body!["detail"]![0]!["type"]!.GetValue<string>());
    }

    private static string Files(string id) => ApiCalls.Tasks + id + "/files/";

    private static async Task<(string Id, JsonObject Final)> CompletedAdjustmentAsync(HttpClient client)
    {
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = TestImages.PngBase64(120, 80);
        body["target_width"] = 64;
        body["target_height"] = 64;
        body["mode"] = "pad";
        var created = await ApiCalls.CreateAsync(client, body);
        var id = created["id"]!.GetValue<string>();
        var final = await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal, TimeSpan.FromSeconds(60));
        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        return (id, final);
    }
}
