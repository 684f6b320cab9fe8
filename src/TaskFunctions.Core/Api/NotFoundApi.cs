using Microsoft.AspNetCore.Http;

namespace TaskFunctions.Core.Api;

/// <summary>
/// The fallback route's handler in both hosts: what no route took is FastAPI's <c>{"detail": "Not Found"}</c> 404, or
/// <c>{"detail": "Method Not Allowed"}</c> 405 with <c>Allow</c> when routes exist for the path under other methods.
/// </summary>
/// <remarks>Unauthenticated, as in FastAPI, where routing answers before any dependency runs.</remarks>
public static class NotFoundApi
{
    /// <summary>The answer for <paramref name="request"/>, whose path below /api the fallback bound as <paramref name="path"/>.</summary>
    public static ApiResult Answer(HttpRequest request, string? path)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A path and method the table serves only reach here if the host routed differently from the table; there is
        // no handler to call from here, so it stays a 404 like any miss.
        var match = ApiRouteMatcher.Match(request.Method, path);
        return match.IsMethodNotAllowed
            ? ApiResult.ReasonPhrase(StatusCodes.Status405MethodNotAllowed).WithHeader("Allow", match.Allow)
            : ApiResult.ReasonPhrase(StatusCodes.Status404NotFound);
    }
}
