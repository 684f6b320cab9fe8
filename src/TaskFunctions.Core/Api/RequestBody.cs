using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Api;

/// <summary>
/// Reads a JSON request body up to <c>Api:MaxBodyBytes</c> without trusting Content-Length, answering every
/// problem as a FastAPI-shaped 422 (or a 400 for broken HTTP framing) rather than letting the server fail.
/// </summary>
public static class RequestBody
{
    private const int ChunkBytes = 81920;

    public static async Task<(ReadOnlyMemory<byte> Body, ApiResult? Error)> ReadJsonAsync(
        HttpRequest request,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The server's own cap (Kestrel's 30 MB default, also in the Functions worker, or the self-host's copy of this
        // limit) would otherwise fire first, as an exception. Reading stays capped at maxBytes below; the server may
        // take up to twice that, only so a moderately oversized body is consumed and the client gets to read the 422
        // instead of a connection torn down mid-send. Anything larger ends with the connection closed after the 422.
        var drainLimit = maxBytes > long.MaxValue / 2 ? long.MaxValue : 2 * maxBytes;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = drainLimit;
        }

        if (request.ContentLength > maxBytes)
        {
            // Not read at all: the server discards what it may after the answer.
            return (default, ApiResult.Validation(Oversize(maxBytes)));
        }

        var initial = request.ContentLength is > 0 and var length && length <= maxBytes ? (int)length : 4096;
        using var buffer = new MemoryStream(initial);
        var chunk = new byte[ChunkBytes];
        try
        {
            int read;
            long discarded = 0;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (discarded > 0 || buffer.Length + read > maxBytes)
                {
                    // Over the limit without a Content-Length (chunked): read on, discarding, to the end or the drain limit.
                    discarded += read;
                    continue;
                }

                await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
            }

            if (discarded > 0)
            {
                return (default, ApiResult.Validation(Oversize(maxBytes)));
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, ApiResult.Validation(Oversize(maxBytes)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Malformed chunk sizes, a body shorter than its Content-Length, a reset mid-body: the request itself is broken.
            return (default, ApiResult.Detail(StatusCodes.Status400BadRequest, "There was an error parsing the body"));
        }

        // FastAPI reads a body as JSON only without a Content-Type or with application/json (or +json); any other
        // type reaches validation as raw bytes, which a model rejects at ["body"] (an empty one is simply missing).
        if (!IsJson(request.ContentType))
        {
            return (default, ApiResult.Validation(buffer.Length == 0
                ? new ValidationErrorItem(["body"], "Field required", "missing")
                : new ValidationErrorItem(["body"], "Input should be a valid dictionary or object to extract fields from", "model_attributes_type")));
        }

        return (buffer.GetBuffer().AsMemory(0, (int)buffer.Length), null);
    }

    /// <summary>Whether FastAPI would parse a body with this Content-Type as JSON.</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType)
        {
            return false;
        }

        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !mediaType.AsSpan(0, slash).Equals("application", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var subtype = mediaType[(slash + 1)..];
        return subtype.Equals("json", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static ValidationErrorItem Oversize(long maxBytes) =>
        ValidationErrorItem.Body($"Request body is larger than the {maxBytes} byte limit", "too_long");
}
