using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace TaskFunctions.Core.Api;

/// <summary>
/// The answer of a file download, executable by both hosts: a file (200/206) streamed from an open blob stream, a
/// body-less 304, or any <see cref="ApiResult"/> (errors in the API's <c>{"detail": "..."}</c> shape).
/// </summary>
public sealed class TaskFileResult : IResult, IActionResult
{
    private const int CopyBufferSize = 81920;

    private readonly ApiResult? _answer;
    private readonly Stream? _content;

    private TaskFileResult(ApiResult? answer, int statusCode, string? contentType, long? contentLength, Stream? content, IReadOnlyDictionary<string, string> headers)
    {
        _answer = answer;
        StatusCode = answer?.StatusCode ?? statusCode;
        ContentType = contentType;
        ContentLength = contentLength;
        _content = content;
        Headers = headers;
    }

    public int StatusCode { get; }

    public string? ContentType { get; }

    public long? ContentLength { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>An API answer (an error, usually) passed through unchanged.</summary>
    public static TaskFileResult From(ApiResult answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new(answer, answer.StatusCode, answer.ContentType, answer.Body?.Length, null, answer.Headers);
    }

    /// <summary>304: the caller's copy is current; validators only, no body.</summary>
    public static TaskFileResult NotModified(IReadOnlyDictionary<string, string> headers) =>
        new(null, StatusCodes.Status304NotModified, null, null, null, headers);

    /// <summary>200 or 206 with <paramref name="contentLength"/> bytes copied from <paramref name="content"/> (disposed after).</summary>
    public static TaskFileResult File(int statusCode, string contentType, long contentLength, Stream content, IReadOnlyDictionary<string, string> headers) =>
        new(null, statusCode, contentType, contentLength, content, headers);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (_answer is not null)
        {
            await _answer.ExecuteAsync(httpContext);
            return;
        }

        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        if (_content is null)
        {
            return;
        }

        await using (_content)
        {
            response.ContentType = ContentType;
            response.ContentLength = ContentLength;
            if (ContentLength > 0)
            {
                // Straight from the blob's network stream to the client, one buffer at a time.
                await _content.CopyToAsync(response.Body, CopyBufferSize, httpContext.RequestAborted);
            }
        }
    }

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.HttpContext);
    }
}
