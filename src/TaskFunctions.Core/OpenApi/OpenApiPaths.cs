using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.OpenApi;

/// <summary>The <c>paths</c> object: every route of <see cref="ApiRoutes"/> but the document itself and the fallback.</summary>
/// <remarks>
/// Bodies and responses reference components only, and the kind lists come from <see cref="TaskKinds"/>, so a new
/// kind appears in every anyOf without touching this file.
/// </remarks>
internal static class OpenApiPaths
{
    /// <summary>Name of the bearer security scheme, as the seed calls it.</summary>
    public const string SecurityScheme = "HTTPBearer";

    private const string TasksTag = "Tasks";

    private const string IdempotentCreateNote =
        " With an `Idempotency-Key` header, a retry of the same request (same key, tenant and request) within 24 hours " +
        "answers the task the first request created (200, `Idempotent-Replayed: true`) and creates nothing new.";

    /// <summary>The paths and methods of <see cref="ApiRoutes.All"/>, in its order, each route described below.</summary>
    public static JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var route in ApiRoutes.All)
        {
            if (Describe(route) is not { } operation)
            {
                continue;
            }

            var path = DocumentedPath(route);
            if (paths[path] is not JsonObject item)
            {
                item = [];
                paths[path] = item;
            }

            item[route.Method!.ToLowerInvariant()] = operation;
        }

        return paths;
    }

    /// <summary>
    /// <c>/api/</c> + the template, a catch-all written as a plain parameter; the collection routes as the seed spells
    /// them, with FastAPI's trailing slash (both hosts route either spelling).
    /// </summary>
    private static string DocumentedPath(ApiRoute route) =>
        "/" + ApiRoutes.Prefix + "/" + route.Template.Replace("{*", "{", StringComparison.Ordinal) + (route.Template == ApiRoutes.Tasks ? "/" : string.Empty);

    /// <summary>The operation object of a route; null for the routes the document leaves out (itself and the fallback).</summary>
    private static JsonObject? Describe(ApiRoute route) => (route.Operation, route.Family) switch
    {
        (ApiOperation.CreateTask, TaskRouteFamily.Tasks) => Operation(
            "createTask", "Create task", "Create and start a new task; task_type selects the kind." + IdempotentCreateNote,
            [IdempotencyKeyParameter()], Body(AnyOfKinds(TaskKinds.CreateType, discriminated: true)), AnyOfKinds(TaskKinds.PublicType, discriminated: true),
            TaskErrors.IdempotentCreate),
        (ApiOperation.ListTasks, TaskRouteFamily.Tasks) => Operation(
            "listTasks", "List tasks", "List tasks, newest first, with optional filtering and pagination.",
            ListParameters(route.Family), null, ArrayOf(AnyOfKinds(TaskKinds.PublicType, discriminated: true)),
            TaskErrors.None),
        (ApiOperation.CreateTask, TaskRouteFamily.Generation) => Operation(
            "createGenerationTask", "Create generation task", "Create and start a GENERATION task." + IdempotentCreateNote,
            [IdempotencyKeyParameter()], Body(ModelSchemaGenerator.Ref(typeof(CreateGenerationTask))), ModelSchemaGenerator.Ref(typeof(GenerationTaskPublic)),
            TaskErrors.IdempotentCreate),
        (ApiOperation.ListTasks, TaskRouteFamily.Generation) => Operation(
            "listGenerationTasks", "List generation tasks", "List GENERATION tasks, newest first, with optional filtering and pagination.",
            ListParameters(route.Family), null, ArrayOf(ModelSchemaGenerator.Ref(typeof(GenerationTaskPublic))),
            TaskErrors.None),
        (ApiOperation.GetTask, TaskRouteFamily.Generation) => Operation(
            "getGenerationTask", "Get generation task", "Get a GENERATION task by id.",
            [TaskIdParameter()], null, ModelSchemaGenerator.Ref(typeof(GenerationTaskPublic)),
            TaskErrors.NotFound),
        (ApiOperation.UpdateTask, TaskRouteFamily.Generation) => Operation(
            "updateGenerationTask", "Update generation task", "Update a GENERATION task; only the fields present in the body are applied.",
            [TaskIdParameter()], Body(ModelSchemaGenerator.Ref(typeof(GenerationTaskUpdate))), ModelSchemaGenerator.Ref(typeof(GenerationTaskPublic)),
            TaskErrors.NotFoundOrConflict),
        (ApiOperation.CancelTask, TaskRouteFamily.Generation) => Operation(
            "cancelGenerationTask", "Cancel generation task", "Cancel a pending or running GENERATION task.",
            [TaskIdParameter()], null, ModelSchemaGenerator.Ref(typeof(GenerationTaskPublic)),
            TaskErrors.NotFoundOrConflict),
        (ApiOperation.GetTask, TaskRouteFamily.Tasks) => Operation(
            "getTask", "Get task", "Get a task by id.",
            [TaskIdParameter()], null, AnyOfKinds(TaskKinds.PublicType, discriminated: true),
            TaskErrors.NotFound),
        (ApiOperation.UpdateTask, TaskRouteFamily.Tasks) => Operation(
            "updateTask", "Update task", "Update a task; the stored task's kind selects the schema and only the fields present are applied.",
            [TaskIdParameter()], Body(AnyOfKinds(TaskKinds.PublicUpdateType, discriminated: false)), AnyOfKinds(TaskKinds.PublicType, discriminated: true),
            TaskErrors.NotFoundOrConflict),
        (ApiOperation.DeleteTask, TaskRouteFamily.Tasks) => Operation(
            "deleteTask", "Delete task", "Delete a task record and permanently remove its files.",
            [TaskIdParameter()], null, AnyOfKinds(TaskKinds.PublicType, discriminated: true),
            TaskErrors.NotFound),
        (ApiOperation.CancelTask, TaskRouteFamily.Tasks) => Operation(
            "cancelTask", "Cancel task", "Cancel a pending or running task.",
            [TaskIdParameter()], null, AnyOfKinds(TaskKinds.PublicType, discriminated: true),
            TaskErrors.NotFoundOrConflict),
        (ApiOperation.CleanupTask, TaskRouteFamily.Tasks) => Operation(
            "cleanupTask", "Cleanup task", "Mark a task deleted and permanently remove its files; the record stays for audit.",
            [TaskIdParameter()], null, AnyOfKinds(TaskKinds.PublicType, discriminated: true),
            TaskErrors.NotFound),
        (ApiOperation.GetTaskWebhook, TaskRouteFamily.Tasks) => Operation(
            "getTaskWebhook", "Get webhook delivery", "Where the delivery of the task's terminal-state webhook stands: attempts, the receiver's last answer, delivered, failed (attempts exhausted), gone (410) or refused (target not allowed).",
            [TaskIdParameter()], null, WebhookStatusSchema(), TaskErrors.NotFound),
        (ApiOperation.GetTaskFile, TaskRouteFamily.Tasks) => TaskFile(),
        (ApiOperation.Health, _) => Health(),
        (ApiOperation.OpenApiDocument or ApiOperation.Docs or ApiOperation.NotFound, _) => null,
        _ => throw new InvalidOperationException($"Route {route.Name} has no OpenAPI description."),
    };

    /// <summary>
    /// The file download: a binary answer (not JSON), conditional and ranged, so its responses are written out here
    /// rather than through <see cref="Operation"/>.
    /// </summary>
    private static JsonObject TaskFile()
    {
        static JsonObject Header(string description) => new()
        {
            ["description"] = description,
            ["schema"] = new JsonObject { ["type"] = "string" },
        };

        static JsonObject HeaderParameter(string name, string description) => new()
        {
            ["name"] = name,
            ["in"] = "header",
            ["required"] = false,
            ["description"] = description,
            ["schema"] = new JsonObject { ["type"] = "string" },
        };

        static JsonObject FileHeaders(bool partial)
        {
            var headers = new JsonObject
            {
                ["ETag"] = Header("Entity tag of the stored file."),
                ["Last-Modified"] = Header("When the file was last written."),
                ["Content-Length"] = new JsonObject { ["description"] = "Bytes in this answer.", ["schema"] = new JsonObject { ["type"] = "integer" } },
                ["Accept-Ranges"] = Header("Always `bytes`."),
            };
            if (partial)
            {
                headers["Content-Range"] = Header("`bytes first-last/length`.");
            }

            return headers;
        }

        static JsonObject Binary(string description, bool partial) => new()
        {
            ["description"] = description,
            ["headers"] = FileHeaders(partial),
            ["content"] = new JsonObject
            {
                ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "binary" } },
            },
        };

        var unsatisfiable = DetailResponse("The Range starts past the end of the file.");
        unsatisfiable["headers"] = new JsonObject { ["Content-Range"] = Header("`bytes */length`.") };

        return new JsonObject
        {
            ["tags"] = new JsonArray(TasksTag),
            ["summary"] = "Download task file",
            ["description"] = "Stream a file stored under the task's own prefix (`{container}/{task_id}/{path}`, the container being the task kind's), " +
                "e.g. `result.png` or `inputs/base_image.png` for the result path `image-adjustments/{task_id}/result.png`. `path` may contain " +
                "slashes. A path that leaves the prefix (`..`, backslashes, encoded slashes, empty segments), a missing file, a cleaned-up " +
                "task and another tenant's task all answer 404. Supports `If-None-Match` (304) and one `Range: bytes=first-last` (206, 416).",
            ["operationId"] = "getTaskFile",
            ["security"] = new JsonArray(new JsonObject { [SecurityScheme] = new JsonArray() }),
            ["parameters"] = new JsonArray
            {
                TaskIdParameter(),
                new JsonObject
                {
                    ["name"] = "path",
                    ["in"] = "path",
                    ["required"] = true,
                    ["description"] = "The file's path below the task's prefix; may contain `/`.",
                    ["schema"] = new JsonObject { ["type"] = "string" },
                },
                HeaderParameter("Range", "One byte range, `bytes=first-last`, `bytes=first-` or `bytes=-suffix`; several ranges are ignored (whole file)."),
                HeaderParameter("If-None-Match", "ETag(s) of a cached copy; a match answers 304."),
                HeaderParameter("If-Range", "The ETag the Range was taken from; a stale one sends the whole file."),
            },
            ["responses"] = new JsonObject
            {
                ["200"] = Binary("The whole file, with its stored content type.", partial: false),
                ["206"] = Binary("The requested range of the file.", partial: true),
                ["304"] = new JsonObject { ["description"] = "The cached copy named by If-None-Match is current.", ["headers"] = new JsonObject { ["ETag"] = Header("Entity tag of the stored file.") } },
                ["401"] = DetailResponse("Missing, invalid or expired bearer token."),
                ["404"] = DetailResponse("Task or file not found (another tenant's task, a cleaned-up task, a path outside the task's prefix)."),
                ["416"] = unsatisfiable,
                ["422"] = Response("Validation error", ModelSchemaGenerator.Ref("HTTPValidationError")),
                ["503"] = DetailResponse("Storage is unavailable; retry."),
            },
        };
    }

    private static JsonObject Operation(
        string operationId,
        string summary,
        string description,
        JsonArray parameters,
        JsonObject? requestBody,
        JsonObject okSchema,
        TaskErrors errors)
    {
        var ok = Response("Successful response", okSchema);
        if (errors is TaskErrors.IdempotentCreate)
        {
            ok["headers"] = new JsonObject
            {
                [IdempotencyKey.ReplayedHeaderName] = new JsonObject
                {
                    ["description"] = "`true` when the answer is the task an earlier request with the same Idempotency-Key created.",
                    ["schema"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("true") },
                },
            };
        }

        var responses = new JsonObject
        {
            ["200"] = ok,
            ["401"] = DetailResponse("Missing, invalid or expired bearer token."),
            ["403"] = DetailResponse("The caller may not act on this tenant's tasks."),
        };
        if (errors is TaskErrors.NotFound or TaskErrors.NotFoundOrConflict)
        {
            responses["404"] = DetailResponse("Task not found (or owned by another tenant).");
        }

        if (errors is TaskErrors.NotFoundOrConflict)
        {
            responses["409"] = DetailResponse("The task is in a terminal state and cannot change.");
        }

        if (errors is TaskErrors.IdempotentCreate)
        {
            responses["409"] = DetailResponse("A request with the same Idempotency-Key is still in progress (waited for briefly); retry shortly (`Retry-After`).");
        }

        responses["422"] = Response(
            errors is TaskErrors.IdempotentCreate
                ? "Validation error; also an invalid Idempotency-Key, or one already used with a different request (loc `[\"header\", \"idempotency-key\"]`)"
                : "Validation error",
            ModelSchemaGenerator.Ref("HTTPValidationError"));
        responses["503"] = DetailResponse("Storage or the workflow backend is unavailable; retry.");

        var operation = new JsonObject
        {
            ["tags"] = new JsonArray(TasksTag),
            ["summary"] = summary,
            ["description"] = description,
            ["operationId"] = operationId,
            ["security"] = new JsonArray(new JsonObject { [SecurityScheme] = new JsonArray() }),
        };
        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (requestBody is not null)
        {
            operation["requestBody"] = requestBody;
        }

        operation["responses"] = responses;
        return operation;
    }

    /// <summary>The anyOf of one model per kind; responses and creates carry task_type, so they get a discriminator.</summary>
    private static JsonObject AnyOfKinds(Func<TaskType, Type> modelOf, bool discriminated)
    {
        var anyOf = new JsonArray();
        var mapping = new JsonObject();
        foreach (var kind in TaskKinds.All)
        {
            var component = ModelSchemaGenerator.ComponentName(modelOf(kind));
            anyOf.Add(ModelSchemaGenerator.Ref(component));
            mapping[KindName(kind)] = ModelSchemaGenerator.Ref(component)["$ref"]!.DeepClone();
        }

        var schema = new JsonObject { ["anyOf"] = anyOf };
        if (discriminated)
        {
            schema["discriminator"] = new JsonObject { ["propertyName"] = "task_type", ["mapping"] = mapping };
        }

        return schema;
    }

    private static string KindName(TaskType kind) =>
        JsonSerializer.SerializeToNode(kind, TaskJson.Api)!.GetValue<string>();

    private static JsonObject ArrayOf(JsonObject items) => new() { ["type"] = "array", ["items"] = items };

    private static JsonObject Body(JsonObject schema) => new()
    {
        ["required"] = true,
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
    };

    private static JsonObject Response(string description, JsonObject schema) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
    };

    /// <summary>FastAPI's error shape for non-validation failures: <c>{"detail": "message"}</c>.</summary>
    private static JsonObject DetailResponse(string description) => Response(description, new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["detail"] = new JsonObject { ["type"] = "string" } },
        ["required"] = new JsonArray("detail"),
    });

    private static JsonObject IdempotencyKeyParameter() => new()
    {
        ["name"] = IdempotencyKey.HeaderName,
        ["in"] = "header",
        ["required"] = false,
        ["description"] = "Makes retries of this create safe: 1-255 visible ASCII characters, unique per request and caller tenant. " +
            "The same key with the same request within 24 hours answers the first request's task instead of creating another; " +
            "with a different request it is refused (422). Requests are compared by a SHA-256 of their parsed, canonical form " +
            "(key order, whitespace and omitted defaults do not matter). Once the task is deleted the key may be used again.",
        ["schema"] = new JsonObject
        {
            ["type"] = "string",
            ["minLength"] = 1,
            ["maxLength"] = IdempotencyKey.MaxLength,
            ["pattern"] = "^[\\x21-\\x7E]+$",
        },
    };

    private static JsonObject TaskIdParameter() => new()
    {
        ["name"] = "task_id",
        ["in"] = "path",
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
    };

    private static JsonArray ListParameters(TaskRouteFamily family)
    {
        var parameters = new JsonArray
        {
            Query("skip", "Number of tasks to skip", new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["default"] = 0 }),
            Query("limit", "Maximum number of tasks to return (capped by the server's configured maximum)", new JsonObject
            {
                ["type"] = "integer",
                ["default"] = ListQueryParser.DefaultLimit,
            }),
            Query("status", "Filter by task status", ModelSchemaGenerator.Ref(typeof(TaskState))),
        };
        parameters.Add(family == TaskRouteFamily.Generation
            ? Query("workflow_id", "Filter by workflow ID", new JsonObject { ["type"] = "string" })
            : Query("task_type", "Filter by task type", ModelSchemaGenerator.Ref(typeof(TaskType))));
        parameters.Add(Query("origin_instance", "Filter by origin instance", new JsonObject { ["type"] = "string" }));
        parameters.Add(Query("origin_tenant_id", "Filter by origin tenant ID (admins; other callers only see their own tenant)", new JsonObject { ["type"] = "string" }));
        parameters.Add(Query("origin_zone", "Filter by origin zone", new JsonObject { ["type"] = "string" }));
        parameters.Add(Query("include_deleted", "Include tasks marked deleted by /cleanup", new JsonObject { ["type"] = "boolean", ["default"] = false }));
        return parameters;
    }

    private static JsonObject Query(string name, string description, JsonObject schema) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["required"] = false,
        ["description"] = description,
        ["schema"] = schema,
    };

    /// <summary>The health probe is unauthenticated: no security requirement, and only storage reachability in the body.</summary>
    private static JsonObject Health()
    {
        return new JsonObject
        {
            ["tags"] = new JsonArray("Health"),
            ["summary"] = "Health",
            ["description"] = "Liveness and readiness: whether table and blob storage are reachable. No authentication.",
            ["operationId"] = "health",
            ["responses"] = new JsonObject
            {
                ["200"] = Response("Healthy", HealthSchema()),
                ["503"] = Response("Unhealthy: a storage dependency is unreachable", HealthSchema()),
            },
        };

        static JsonObject Check() => new() { ["type"] = "string", ["enum"] = new JsonArray("ok", "unreachable") };

        static JsonObject HealthSchema() => new()
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["status"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("healthy", "unhealthy") },
                ["checks"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject { ["table_storage"] = Check(), ["blob_storage"] = Check() },
                    ["required"] = new JsonArray("table_storage", "blob_storage"),
                },
            },
            ["required"] = new JsonArray("status", "checks"),
        };
    }

    private static JsonObject WebhookStatusSchema()
    {
        static JsonObject Nullable(string type, string? format = null)
        {
            var schema = new JsonObject { ["type"] = type };
            if (format is not null)
            {
                schema["format"] = format;
            }

            return new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["task_id"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
                ["webhook_url"] = Nullable("string"),
                ["webhook_id"] = Nullable("string"),
                ["state"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("none", "pending", "delivered", "failed", "gone", "refused") },
                ["attempts"] = new JsonObject { ["type"] = "integer" },
                ["last_status_code"] = Nullable("integer"),
                ["last_error"] = Nullable("string"),
                ["last_attempt_at"] = Nullable("string", "date-time"),
                ["delivered_at"] = Nullable("string", "date-time"),
            },
            ["required"] = new JsonArray("task_id", "state", "attempts"),
        };
    }

    /// <summary>Which task-specific failures an operation can answer besides auth, validation and availability.</summary>
    private enum TaskErrors
    {
        None,
        NotFound,
        NotFoundOrConflict,

        /// <summary>A create: the Idempotency-Key's 409 (in progress) and replay header.</summary>
        IdempotentCreate,
    }
}
