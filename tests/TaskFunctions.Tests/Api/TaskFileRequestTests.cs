using TaskFunctions.Core.Api;
using TaskFunctions.Core.OpenApi;

namespace TaskFunctions.Tests.Api;

public sealed class TaskFileRequestTests
{
    [Theory]
    [InlineData("result.png")]
    [InlineData("inputs/base_image.png")]
    [InlineData("result-0.png")]
    [InlineData("a/b/c/attempt-3.png")]
    [InlineData("name with space.png")]
    public void TryNormalizePath_FileBelowThePrefix_IsAccepted(string path)
    {
        Assert.True(TaskFileRequest.TryNormalizePath(path, out var relative));
        Assert.Equal(path, relative);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../other/result.png")]
    [InlineData("inputs/../../other/result.png")]
    [InlineData("inputs/./x.png")]
    [InlineData("..\\other\\result.png")]
    [InlineData("inputs\\x.png")]
    [InlineData("..%2Fother%2Fresult.png")]
    [InlineData("inputs%2fx.png")]
    [InlineData("%2E%2E/x")]
    [InlineData("/result.png")]
    [InlineData("result.png/")]
    [InlineData("inputs//x.png")]
    [InlineData("result.png.")]
    [InlineData(" /x.png")]
    [InlineData("x\0.png")]
    [InlineData("x\n.png")]
    public void TryNormalizePath_PathThatCouldLeaveThePrefix_IsRefused(string? path)
    {
        Assert.False(TaskFileRequest.TryNormalizePath(path, out var relative));
        Assert.Null(relative);
    }

    [Fact]
    public void TryNormalizePath_OverlongPath_IsRefused()
    {
        Assert.False(TaskFileRequest.TryNormalizePath(new string('a', TaskFileRequest.MaxPathLength + 1), out _));
        Assert.True(TaskFileRequest.TryNormalizePath(new string('a', TaskFileRequest.MaxPathLength), out _));
    }

    [Theory]
    [InlineData("bytes=0-9", 100, 0, 9)]
    [InlineData("bytes=10-", 100, 10, 99)]
    [InlineData("bytes=90-500", 100, 90, 99)]
    [InlineData("bytes=-10", 100, 90, 99)]
    [InlineData("bytes=-500", 100, 0, 99)]
    [InlineData("BYTES= 5 - 5 ", 100, 5, 5)]
    [InlineData("bytes=99-99", 100, 99, 99)]
    public void ParseRange_SingleSatisfiableRange_IsPartial(string header, long length, long first, long last)
    {
        var range = TaskFileRequest.ParseRange(header, length);

        Assert.Equal(ByteRangeKind.Partial, range.Kind);
        Assert.Equal((first, last, last - first + 1), (range.Offset, range.Last, range.Length));
        Assert.Equal($"bytes {first}-{last}/{length}", range.ContentRange);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("items=0-9")]
    [InlineData("bytes=0-9,20-29")]
    [InlineData("bytes=9-0")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes=")]
    [InlineData("bytes=-")]
    [InlineData("bytes=5")]
    [InlineData("bytes=+1-5")]
    public void ParseRange_NoOrIgnoredRange_IsWholeFile(string? header)
    {
        var range = TaskFileRequest.ParseRange(header, 100);

        Assert.Equal(ByteRangeKind.Full, range.Kind);
        Assert.Equal((0L, 100L), (range.Offset, range.Length));
    }

    [Theory]
    [InlineData("bytes=100-", 100)]
    [InlineData("bytes=100-200", 100)]
    [InlineData("bytes=-0", 100)]
    [InlineData("bytes=0-", 0)]
    [InlineData("bytes=-5", 0)]
    public void ParseRange_RangePastTheEnd_IsUnsatisfiable(string header, long length)
    {
        var range = TaskFileRequest.ParseRange(header, length);

        Assert.Equal(ByteRangeKind.Unsatisfiable, range.Kind);
        Assert.Equal($"bytes */{length}", range.ContentRange);
    }

    [Theory]
    [InlineData("\"abc\"", true)]
    [InlineData("W/\"abc\"", true)]
    [InlineData("\"x\", \"abc\"", true)]
    [InlineData("*", true)]
    [InlineData("\"abd\"", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IfNoneMatchHits_Header_MatchesWeakly(string? header, bool expected)
    {
        Assert.Equal(expected, TaskFileRequest.IfNoneMatchHits(header, "\"abc\""));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("\"abc\"", true)]
    [InlineData("W/\"abc\"", false)]
    [InlineData("\"old\"", false)]
    [InlineData("Wed, 21 Oct 2015 07:28:00 GMT", false)]
    public void IfRangeAllows_Header_OnlyTheCurrentStrongETag(string? header, bool expected)
    {
        Assert.Equal(expected, TaskFileRequest.IfRangeAllows(header, "\"abc\""));
    }

    [Fact]
    public void OpenApi_TaskFilePath_ListsFileResponses()
    {
        var operation = OpenApiDocumentBuilder.Build()["paths"]!["/api/v1/tasks/{task_id}/files/{path}"]!["get"]!;

        var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToList();

        Assert.Equal("getTaskFile", operation["operationId"]!.GetValue<string>());
        Assert.All(new[] { "200", "206", "304", "404", "416" }, status => Assert.Contains(status, responses));
        Assert.Equal("binary", operation["responses"]!["200"]!["content"]!["*/*"]!["schema"]!["format"]!.GetValue<string>());
        Assert.Equal("string", operation["responses"]!["404"]!["content"]!["application/json"]!["schema"]!["properties"]!["detail"]!["type"]!.GetValue<string>());
        Assert.Contains(operation["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "path" && p["in"]!.GetValue<string>() == "path");
    }
}
