using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using TaskFunctions.Core.Api;

namespace TaskFunctions.Core.OpenApi;

/// <summary>One file of the docs page, held in memory: its bytes, a gzip copy when the package ships one, its validators.</summary>
internal sealed class ApiDocsAsset
{
    public ApiDocsAsset(string contentType, byte[] identity, byte[]? gzip, string cacheControl)
    {
        ContentType = contentType;
        Identity = identity;
        Gzip = gzip;
        CacheControl = cacheControl;

        // Weak: the plain and the gzip answer are the same content in two encodings, so they share one tag.
        ETag = "W/\"" + Convert.ToHexStringLower(SHA256.HashData(identity).AsSpan(0, 16)) + "\"";
    }

    public string ContentType { get; }

    public byte[] Identity { get; }

    public byte[]? Gzip { get; }

    public string CacheControl { get; }

    public string ETag { get; }

    /// <summary>304 when <paramref name="ifNoneMatch"/> names the current tag, else 200 (gzip when the client takes it).</summary>
    public ApiResult Answer(string? ifNoneMatch, string? acceptEncoding)
    {
        ApiResult answer;
        if (TaskFileRequest.IfNoneMatchHits(ifNoneMatch, ETag))
        {
            answer = ApiResult.Empty(StatusCodes.Status304NotModified);
        }
        else if (Gzip is not null && AcceptsGzip(acceptEncoding))
        {
            answer = ApiResult.Content(StatusCodes.Status200OK, Gzip, ContentType).WithHeader("Content-Encoding", "gzip");
        }
        else
        {
            answer = ApiResult.Content(StatusCodes.Status200OK, Identity, ContentType);
        }

        answer.WithHeader("ETag", ETag)
            .WithHeader("Cache-Control", CacheControl)
            .WithHeader("X-Content-Type-Options", "nosniff");
        if (Gzip is not null)
        {
            answer.WithHeader("Vary", "Accept-Encoding");
        }

        return answer;
    }

    /// <summary>Whether <c>Accept-Encoding</c> takes gzip: named with a non-zero q, or (when not named) <c>*</c> so.</summary>
    public static bool AcceptsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrWhiteSpace(acceptEncoding))
        {
            return false;
        }

        double? gzip = null;
        double? any = null;
        foreach (var entry in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(';', StringSplitOptions.TrimEntries);
            if (parts[0].Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip ??= Quality(parts);
            }
            else if (parts[0] == "*")
            {
                any ??= Quality(parts);
            }
        }

        return (gzip ?? any ?? 0) > 0;
    }

    /// <summary>The entry's q (1 when absent; an unreadable q counts as 0, i.e. refused).</summary>
    private static double Quality(string[] parts)
    {
        foreach (var parameter in parts.Skip(1))
        {
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
            {
                return double.TryParse(parameter[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) ? q : 0;
            }
        }

        return 1;
    }
}
