using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Api;

/// <summary>
/// The service's HTTP routes, declared once. The self-host maps <see cref="All"/>; the OpenAPI document reads its paths
/// and methods from it; the fallback answers misses from it (<see cref="ApiRouteMatcher"/>); the Functions app's
/// triggers use the template constants, and a test holds its functions.metadata equal to <see cref="All"/>.
/// </summary>
/// <remarks>
/// The Functions host tries its routes in function-name order (case-insensitive) and takes the first that matches
/// path and method, unlike ASP.NET Core's precedence; names are chosen so both orders agree (a test checks it). Hence
/// <see cref="GetGenerationTaskList"/> sorts before <see cref="GetTask"/>, and the fallback is named to sort last.
/// </remarks>
public static class ApiRoutes
{
    /// <summary>The route prefix of both hosts (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string Prefix = "api";

    // Templates below /api. Constants, because the Functions app's trigger attributes need compile-time values.
    public const string Tasks = "v1/tasks";
    public const string TaskById = Tasks + "/{task_id}";
    public const string TaskCancel = TaskById + "/cancel";
    public const string TaskCleanup = TaskById + "/cleanup";
    public const string TaskWebhook = TaskById + "/webhook";
    public const string TaskFile = TaskById + "/files/{*path}";
    public const string GenerationTasks = Tasks + "/generation";
    public const string GenerationTaskById = GenerationTasks + "/{task_id}";
    public const string GenerationTaskCancel = GenerationTaskById + "/cancel";
    public const string HealthProbe = "health";
    public const string OpenApiJson = "openapi.json";
    public const string DocsPage = "docs";
    public const string DocsAssetPath = DocsPage + "/{*asset}";
    public const string Anything = "{*path}";

    /// <summary>The fallback's function name: "Z_" so that it sorts after every other function (see remarks).</summary>
    public const string NotFoundName = "Z_NotFound";

    public static readonly ApiRoute CreateTask = new(nameof(CreateTask), "POST", Tasks, ApiOperation.CreateTask, TaskRouteFamily.Tasks);
    public static readonly ApiRoute ListTasks = new(nameof(ListTasks), "GET", Tasks, ApiOperation.ListTasks, TaskRouteFamily.Tasks);
    public static readonly ApiRoute CreateGenerationTask = new(nameof(CreateGenerationTask), "POST", GenerationTasks, ApiOperation.CreateTask, TaskRouteFamily.Generation);
    public static readonly ApiRoute GetGenerationTaskList = new(nameof(GetGenerationTaskList), "GET", GenerationTasks, ApiOperation.ListTasks, TaskRouteFamily.Generation);
    public static readonly ApiRoute GetGenerationTask = new(nameof(GetGenerationTask), "GET", GenerationTaskById, ApiOperation.GetTask, TaskRouteFamily.Generation);
    public static readonly ApiRoute UpdateGenerationTask = new(nameof(UpdateGenerationTask), "PUT", GenerationTaskById, ApiOperation.UpdateTask, TaskRouteFamily.Generation);
    public static readonly ApiRoute CancelGenerationTask = new(nameof(CancelGenerationTask), "POST", GenerationTaskCancel, ApiOperation.CancelTask, TaskRouteFamily.Generation);
    public static readonly ApiRoute GetTask = new(nameof(GetTask), "GET", TaskById, ApiOperation.GetTask, TaskRouteFamily.Tasks);
    public static readonly ApiRoute UpdateTask = new(nameof(UpdateTask), "PUT", TaskById, ApiOperation.UpdateTask, TaskRouteFamily.Tasks);
    public static readonly ApiRoute DeleteTask = new(nameof(DeleteTask), "DELETE", TaskById, ApiOperation.DeleteTask, TaskRouteFamily.Tasks);
    public static readonly ApiRoute CancelTask = new(nameof(CancelTask), "POST", TaskCancel, ApiOperation.CancelTask, TaskRouteFamily.Tasks);
    public static readonly ApiRoute CleanupTask = new(nameof(CleanupTask), "POST", TaskCleanup, ApiOperation.CleanupTask, TaskRouteFamily.Tasks);
    public static readonly ApiRoute GetTaskWebhook = new(nameof(GetTaskWebhook), "GET", TaskWebhook, ApiOperation.GetTaskWebhook, TaskRouteFamily.Tasks);
    public static readonly ApiRoute GetTaskFile = new(nameof(GetTaskFile), "GET", TaskFile, ApiOperation.GetTaskFile, TaskRouteFamily.Tasks);
    public static readonly ApiRoute Health = new(nameof(Health), "GET", HealthProbe, ApiOperation.Health, TaskRouteFamily.None);
    public static readonly ApiRoute OpenApiDocument = new(nameof(OpenApiDocument), "GET", OpenApiJson, ApiOperation.OpenApiDocument, TaskRouteFamily.None);
    public static readonly ApiRoute Docs = new(nameof(Docs), "GET", DocsPage, ApiOperation.Docs, TaskRouteFamily.None);
    public static readonly ApiRoute DocsAsset = new(nameof(DocsAsset), "GET", DocsAssetPath, ApiOperation.Docs, TaskRouteFamily.None);
    public static readonly ApiRoute NotFound = new(NotFoundName, null, Anything, ApiOperation.NotFound, TaskRouteFamily.None);

    /// <summary>Every route, in the OpenAPI document's order; the fallback last.</summary>
    /// <remarks>Declared after the fields it lists: static initializers run in text order.</remarks>
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        CreateTask,
        ListTasks,
        CreateGenerationTask,
        GetGenerationTaskList,
        GetGenerationTask,
        UpdateGenerationTask,
        CancelGenerationTask,
        GetTask,
        UpdateTask,
        DeleteTask,
        CancelTask,
        CleanupTask,
        GetTaskWebhook,
        GetTaskFile,
        Health,
        OpenApiDocument,
        Docs,
        DocsAsset,
        NotFound,
    ];
}
