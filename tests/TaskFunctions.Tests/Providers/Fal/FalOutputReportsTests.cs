using System.Text.Json.Nodes;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Fal;

namespace TaskFunctions.Tests.Providers.Fal;

/// <summary>What fal apps report beyond files: LLM text and usage, face findings; and the MP4 header check of video outputs.</summary>
public sealed class FalOutputReportsTests
{
    [Theory]
    [InlineData("""{"output":"Hello there","partial":false,"error":null}""", "Hello there")]
    [InlineData("""{"text":"from a text field"}""", "from a text field")]
    [InlineData("""{"output":""}""", "")]
    [InlineData("""{"images":[]}""", null)]
    [InlineData("""["not","an","object"]""", null)]
    public void FindText_LlmOutputs_TakeOutputThenText(string json, string? expected)
    {
        Assert.Equal(expected, FalOutputParser.FindText(JsonNode.Parse(json)));
    }

    [Theory]
    [InlineData("""{"output":"x","usage":{"prompt_tokens":12,"completion_tokens":34}}""", 12, 34)]
    [InlineData("""{"output":"x","usage":{"input_tokens":5,"output_tokens":6}}""", 5, 6)]
    [InlineData("""{"output":"x","usage":{"prompt_tokens":7}}""", 7, null)]
    public void FindUsage_ReportedCounts_AreTaken(string json, int? input, int? output)
    {
        Assert.Equal(new TokenUsage(input, output), FalOutputParser.FindUsage(JsonNode.Parse(json)));
    }

    [Theory]
    [InlineData("""{"output":"x"}""")]
    [InlineData("""{"output":"x","usage":{}}""")]
    [InlineData("""{"output":"x","usage":{"prompt_tokens":"many"}}""")]
    public void FindUsage_NothingReported_IsNullNeverInvented(string json)
    {
        Assert.Null(FalOutputParser.FindUsage(JsonNode.Parse(json)));
    }

    [Theory]
    [InlineData("""{"image":{"url":"https://fal.media/a.png"},"face_detected":true}""", true, null, null)]
    [InlineData("""{"image":{"url":"https://fal.media/a.png"},"faces":[]}""", false, null, null)]
    [InlineData("""{"image":{"url":"https://fal.media/a.png"},"faces":[{"box":[1,2,3,4]}],"lpips":0.12}""", true, 0.12, null)]
    [InlineData("""{"image":{"url":"https://fal.media/a.png"},"num_faces":2,"dists_score":0.3}""", true, null, 0.3)]
    public void FindFaces_ReportedFindings_AreTaken(string json, bool? detected, double? lpips, double? dists)
    {
        Assert.Equal(new FaceReport(detected, lpips, dists), FalOutputParser.FindFaces(JsonNode.Parse(json)));
    }

    [Fact]
    public void FindFaces_CodeFormerOutput_ReportsNothing()
    {
        Assert.Null(FalOutputParser.FindFaces(JsonNode.Parse("""{"image":{"url":"https://fal.media/a.png"},"seed":1}""")));
    }

    [Fact]
    public void IsIsoBmff_Mp4Header_IsAccepted()
    {
        byte[] mp4 = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8];

        Assert.True(ProviderResultWriter.IsIsoBmff(mp4));
    }

    [Theory]
    [InlineData("<html><body>not a video</body></html>")]
    [InlineData("\0\0\0\u0018moovisom\0\0\u0002\0")]
    [InlineData("\0\0\0\u0004ftypisom\0\0\u0002\0")]
    [InlineData("ftyp")]
    public void IsIsoBmff_OtherContent_IsRefused(string content)
    {
        Assert.False(ProviderResultWriter.IsIsoBmff(System.Text.Encoding.Latin1.GetBytes(content)));
    }
}
