using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Api;

/// <summary>
/// A finished HTTP answer that both hosts can execute: the self-host returns it as <see cref="IResult"/>,
/// the Functions app as <see cref="IActionResult"/>, so handlers in Core never depend on a host.
/// </summary>
public sealed class ApiResult : IResult, IActionResult
{
    private static readonly JsonSerializerOptions DetailOptions = new(JsonSerializerDefaults.Web);

    private ApiResult(int statusCode, byte[]? body, string? contentType)
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
    }

    public int StatusCode { get; }

    public byte[]? Body { get; }

    public string? ContentType { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A JSON answer from already-serialized UTF-8 bytes.</summary>
    public static ApiResult Json(int statusCode, byte[] utf8Json) => new(statusCode, utf8Json, "application/json");

    /// <summary>A non-JSON answer (a page, a script, an image) from bytes already in memory.</summary>
    public static ApiResult Content(int statusCode, byte[] body, string contentType) => new(statusCode, body, contentType);

    /// <summary>An answer without a body, e.g. 304 Not Modified (headers via <see cref="WithHeader"/>).</summary>
    public static ApiResult Empty(int statusCode) => new(statusCode, null, null);

    /// <summary>A JSON answer serialized with the given options.</summary>
    public static ApiResult Json<T>(int statusCode, T value, JsonSerializerOptions options) =>
        new(statusCode, JsonSerializer.SerializeToUtf8Bytes(value, options), "application/json");

    /// <summary>FastAPI-style error: <c>{"detail": "message"}</c>.</summary>
    public static ApiResult Detail(int statusCode, string message) =>
        new(statusCode, JsonSerializer.SerializeToUtf8Bytes(new { detail = message }, DetailOptions), "application/json");

    /// <summary>
    /// <c>{"detail": "&lt;reason phrase&gt;"}</c>, as Starlette answers its own HTTP errors (404 "Not Found",
    /// 405 "Method Not Allowed", ...).
    /// </summary>
    public static ApiResult ReasonPhrase(int statusCode)
    {
        var reason = ReasonPhrases.GetReasonPhrase(statusCode);
        return Detail(statusCode, reason.Length > 0 ? reason : "Error");
    }

    /// <summary>FastAPI-style 422: <c>{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}</c>.</summary>
    public static ApiResult Validation(IEnumerable<ValidationErrorItem> errors) =>
        new(StatusCodes.Status422UnprocessableEntity, JsonSerializer.SerializeToUtf8Bytes(new { detail = errors }, DetailOptions), "application/json");

    /// <summary>A 422 with one entry.</summary>
    public static ApiResult Validation(ValidationErrorItem error) => Validation([error]);

    public ApiResult WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        if (Body is null)
        {
            return;
        }

        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);
}
