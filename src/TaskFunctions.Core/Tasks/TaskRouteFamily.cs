namespace TaskFunctions.Core.Tasks;

/// <summary>Which tasks a route addresses: the part of a route's description its handler acts on.</summary>
public enum TaskRouteFamily
{
    /// <summary>No task: the health probe, the OpenAPI document, the unmatched-route fallback.</summary>
    None,

    /// <summary><c>/v1/tasks/…</c>: every kind; <c>task_type</c> (or the stored task's kind) selects the schema.</summary>
    Tasks,

    /// <summary><c>/v1/tasks/generation/…</c>: GENERATION tasks only, with the generation schemas and the <c>workflow_id</c> filter.</summary>
    Generation,
}
