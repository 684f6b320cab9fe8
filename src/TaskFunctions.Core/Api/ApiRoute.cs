using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Api;

/// <summary>One HTTP route of the service, as <see cref="ApiRoutes"/> declares it and its handler receives it.</summary>
/// <param name="Name">The Functions app's function name (and the self-host's endpoint name).</param>
/// <param name="Method">The HTTP method, upper case; null for the fallback, which takes every method.</param>
/// <param name="Template">The route template below <c>/api</c>, e.g. <c>v1/tasks/{task_id}</c>.</param>
/// <param name="Operation">The Core handler that serves it.</param>
/// <param name="Family">Which tasks it addresses.</param>
public sealed record ApiRoute(string Name, string? Method, string Template, ApiOperation Operation, TaskRouteFamily Family)
{
    /// <summary>The one kind the route serves (GENERATION on the generation routes), or null for every kind.</summary>
    public TaskType? OnlyKind => Family == TaskRouteFamily.Generation ? TaskType.GENERATION : null;

    /// <summary>The catch-all that answers what no other route matched; it is never a match itself.</summary>
    public bool IsFallback => Operation == ApiOperation.NotFound;
}
