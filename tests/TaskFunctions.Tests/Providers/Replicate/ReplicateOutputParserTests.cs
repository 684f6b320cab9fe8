using System.Text.Json.Nodes;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Replicate;

namespace TaskFunctions.Tests.Providers.Replicate;

public sealed class ReplicateOutputParserTests
{
    [Theory]
    [InlineData("\"https://replicate.delivery/a/out.png\"", "$.output", ProviderFileKind.Image, "image/png")]
    [InlineData("[\"https://replicate.delivery/a/out-0.webp\"]", "$.output[0]", ProviderFileKind.Image, "image/webp")]
    [InlineData("\"https://replicate.delivery/a/output.mp4\"", "$.output", ProviderFileKind.Video, "video/mp4")]
    [InlineData("{\"video\":\"https://replicate.delivery/a/v.webm\"}", "$.output.video", ProviderFileKind.Video, "video/webm")]
    [InlineData("\"https://replicate.delivery/a/noextension\"", "$.output", ProviderFileKind.Image, null)]
    [InlineData("\"https://replicate.delivery/a/log.txt\"", "$.output", ProviderFileKind.Other, null)]
    public void FindFiles_OutputShapes_FindsTypedFile(string output, string path, ProviderFileKind kind, string? contentType)
    {
        var file = Assert.Single(ReplicateOutputParser.FindFiles(JsonNode.Parse(output)));

        Assert.Equal((path, kind, contentType), (file.JsonPath, file.Kind, file.ContentType));
    }

    [Fact]
    public void FindFiles_DuplicatesAndText_KeepsEachUrlOnceInOrder()
    {
        var output = JsonNode.Parse("""["https://x.example/b.png", "not a url", "https://x.example/a.jpg", "https://x.example/b.png", "ftp://x.example/c.png"]""");

        var files = ReplicateOutputParser.FindFiles(output);

        Assert.Equal(["https://x.example/b.png", "https://x.example/a.jpg"], files.Select(f => f.Url!.AbsoluteUri));
        Assert.Equal(["b.png", "a.jpg"], files.Select(f => f.FileName));
    }

    [Theory]
    [InlineData("[\"The \", \"answer\", \" is 42.\"]", "The answer is 42.")]
    [InlineData("\"one string\"", "one string")]
    [InlineData("[]", null)]
    [InlineData("[\"a\", 1]", null)]
    [InlineData("{\"text\":\"x\"}", null)]
    [InlineData("null", null)]
    public void FindText_Shapes_JoinsChunks(string output, string? expected)
    {
        Assert.Equal(expected, ReplicateOutputParser.FindText(JsonNode.Parse(output)));
    }

    [Theory]
    [InlineData("""{"predict_time":1.5,"input_token_count":10,"output_token_count":20}""", 10, 20)]
    [InlineData("""{"predict_time":1.5,"output_token_count":3}""", null, 3)]
    public void FindUsage_Metrics_ReadsTokenCounts(string metrics, int? input, int? output)
    {
        Assert.Equal(new TokenUsage(input, output), ReplicateOutputParser.FindUsage(JsonNode.Parse(metrics)));
    }

    [Fact]
    public void FindUsage_NoTokenCounts_IsNull()
    {
        Assert.Null(ReplicateOutputParser.FindUsage(JsonNode.Parse("""{"predict_time":1.5}""")));
        Assert.Null(ReplicateOutputParser.FindUsage(null));
    }

    [Theory]
    [InlineData("""{"predict_time":2.25}""", 2250.0)]
    [InlineData("""{"predict_time":-1}""", null)]
    [InlineData("""{"predict_time":"2"}""", null)]
    [InlineData("""{}""", null)]
    public void PredictTime_Metrics_ParsesSeconds(string metrics, double? expectedMs)
    {
        Assert.Equal(expectedMs, ReplicateOutputParser.PredictTime(JsonNode.Parse(metrics))?.TotalMilliseconds);
    }

    [Fact]
    public void Summary_Prediction_DropsInputAndLogs()
    {
        var prediction = JsonNode.Parse("""{"id":"p1","model":"o/n","version":"v","status":"succeeded","input":{"image":"data:image/png;base64,AAAA"},"logs":"x","output":["https://x.example/a.png"],"metrics":{"predict_time":1}}""")!.AsObject();

        var summary = ReplicateOutputParser.Summary(prediction);

        Assert.Equal(["id", "model", "version", "status", "output", "metrics"], summary.Select(p => p.Key));
    }
}
