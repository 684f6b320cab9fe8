using Microsoft.AspNetCore.Http;

namespace TaskFunctions.Core.Api;

/// <summary>Reads a request body up to a cap without trusting Content-Length.</summary>
public static class RequestBody
{
    public static async Task<(ReadOnlyMemory<byte> Body, ValidationErrorItem? TooLarge)> ReadAsync(
        HttpRequest request,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return (default, Oversize(maxBytes));
        }

        using var buffer = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength : 4096);
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (default, Oversize(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.GetBuffer().AsMemory(0, (int)buffer.Length), null);
    }

    private static ValidationErrorItem Oversize(long maxBytes) =>
        ValidationErrorItem.Body($"Request body is larger than the {maxBytes} byte limit", "too_long");
}
