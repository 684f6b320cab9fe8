namespace TaskFunctions.Core.Api;

/// <summary>The Core handler a route is bound to; a handler may serve routes of several families.</summary>
public enum ApiOperation
{
    CreateTask,
    ListTasks,
    GetTask,
    UpdateTask,
    DeleteTask,
    CancelTask,
    CleanupTask,
    GetTaskWebhook,
    GetTaskFile,
    Health,
    OpenApiDocument,

    /// <summary>The interactive API docs (Swagger UI): the page and its assets.</summary>
    Docs,

    /// <summary>The lowest-precedence catch-all: a path no route declares (404) or a method the path lacks (405).</summary>
    NotFound,
}
