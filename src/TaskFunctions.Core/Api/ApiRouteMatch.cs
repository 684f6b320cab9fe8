namespace TaskFunctions.Core.Api;

/// <summary>What the route table makes of a method and path: the route that serves it, else the methods the path allows.</summary>
/// <param name="Route">The route that serves the request, or null.</param>
/// <param name="AllowedMethods">The methods of every route whose template matches the path, GET first; empty when none does.</param>
public sealed record ApiRouteMatch(ApiRoute? Route, IReadOnlyList<string> AllowedMethods)
{
    /// <summary>A route matches the path but none takes the method: 405 with <see cref="Allow"/>.</summary>
    public bool IsMethodNotAllowed => Route is null && AllowedMethods.Count > 0;

    /// <summary>No route's template matches the path: 404.</summary>
    public bool IsNotFound => AllowedMethods.Count == 0;

    /// <summary>The <c>Allow</c> header value, e.g. <c>GET, PUT, DELETE</c>.</summary>
    public string Allow => string.Join(", ", AllowedMethods);
}
