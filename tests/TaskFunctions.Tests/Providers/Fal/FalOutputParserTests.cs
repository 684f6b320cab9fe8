using System.Text.Json.Nodes;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Fal;

namespace TaskFunctions.Tests.Providers.Fal;

public sealed class FalOutputParserTests
{
    [Fact]
    public void FindFiles_ImagesArray_AreImagesInOrder()
    {
        var output = JsonNode.Parse("""
            {"images":[{"url":"https://v3.fal.media/a.png","width":64,"height":48,"content_type":"image/png","file_name":"a.png"},
                       {"url":"https://v3.fal.media/b.jpg","content_type":"image/jpeg"}],
             "seed":42,"has_nsfw_concepts":[false,false],"timings":{"inference":0.4}}
            """);

        var files = FalOutputParser.FindFiles(output);

        Assert.Equal(2, files.Count);
        Assert.Equal(new ProviderFile(new Uri("https://v3.fal.media/a.png"), ProviderFileKind.Image, "image/png", "a.png", "$.images[0].url"), files[0]);
        Assert.Equal(new ProviderFile(new Uri("https://v3.fal.media/b.jpg"), ProviderFileKind.Image, "image/jpeg", null, "$.images[1].url"), files[1]);
    }

    [Fact]
    public void FindFiles_ImageAndMask_AreImagesEvenWithoutContentType()
    {
        var output = JsonNode.Parse("""{"image":{"url":"https://fal.media/cut.png"},"mask_image":{"url":"https://fal.media/mask.png"}}""");

        var files = FalOutputParser.FindFiles(output);

        Assert.Collection(
            files,
            f => Assert.Equal(("$.image.url", ProviderFileKind.Image), (f.JsonPath, f.Kind)),
            f => Assert.Equal(("$.mask_image.url", ProviderFileKind.Image), (f.JsonPath, f.Kind)));
    }

    [Fact]
    public void FindFiles_Video_IsVideo()
    {
        var output = JsonNode.Parse("""{"video":{"url":"https://fal.media/v.mp4","content_type":"video/mp4","file_name":"v.mp4","file_size":1234}}""");

        var file = Assert.Single(FalOutputParser.FindFiles(output));

        Assert.Equal(ProviderFileKind.Video, file.Kind);
        Assert.Equal("video/mp4", file.ContentType);
        Assert.Equal("v.mp4", file.FileName);
        Assert.Equal("$.video.url", file.JsonPath);
    }

    [Fact]
    public void FindFiles_OtherObjectsWithUrl_AreTypedByContentType()
    {
        var output = JsonNode.Parse("""
            {"result":{"preview":{"url":"http://cdn.example/p.webp","content_type":"image/webp"},
                       "clips":[{"url":"https://cdn.example/c.webm","content_type":"video/webm"}],
                       "model":{"url":"https://cdn.example/m.glb","content_type":"model/gltf-binary"},
                       "log":{"url":"https://cdn.example/l.txt"}}}
            """);

        var files = FalOutputParser.FindFiles(output);

        Assert.Equal(
            [
                ("$.result.preview.url", ProviderFileKind.Image),
                ("$.result.clips[0].url", ProviderFileKind.Video),
                ("$.result.model.url", ProviderFileKind.Other),
                ("$.result.log.url", ProviderFileKind.Other),
            ],
            files.Select(f => (f.JsonPath, f.Kind)));
    }

    [Fact]
    public void FindFiles_NonHttpOrRelativeUrls_AreIgnored()
    {
        var output = JsonNode.Parse("""
            {"images":[{"url":"data:image/png;base64,AAAA"},{"url":"/relative.png"},{"url":"ftp://host/x.png"},{"url":42}],
             "image":{"url":"https://ok.example/x.png"}}
            """);

        var file = Assert.Single(FalOutputParser.FindFiles(output));

        Assert.Equal("https://ok.example/x.png", file.Url!.AbsoluteUri);
    }

    [Fact]
    public void FindFiles_SameUrlTwice_IsListedOnce()
    {
        var output = JsonNode.Parse("""{"images":[{"url":"https://fal.media/a.png"}],"image":{"url":"https://fal.media/a.png"}}""");

        var file = Assert.Single(FalOutputParser.FindFiles(output));

        Assert.Equal("$.images[0].url", file.JsonPath);
    }

    [Fact]
    public void FindFiles_NonIdentifierName_UsesBracketPath()
    {
        var output = JsonNode.Parse("""{"my file":{"url":"https://fal.media/a.png","content_type":"image/png"}}""");

        var file = Assert.Single(FalOutputParser.FindFiles(output));

        Assert.Equal("$['my file'].url", file.JsonPath);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"https://fal.media/a.png\"")]
    [InlineData("{\"seed\":1}")]
    public void FindFiles_NoFileObjects_IsEmpty(string json)
    {
        Assert.Empty(FalOutputParser.FindFiles(JsonNode.Parse(json)));
    }
}
