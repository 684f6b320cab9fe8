using System.Globalization;
using Microsoft.AspNetCore.Http;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Api;

/// <summary>GET /api/v1/tasks/{task_id}/files/{*path}: a file under the task's own prefix.</summary>
public sealed partial class TasksApi
{
    /// <summary>A blob overwritten between reading its properties and opening it is read again, this many times in all.</summary>
    private const int FileReadAttempts = 3;

    /// <summary>What the guarded handler returns when it has produced a file answer instead (never executed).</summary>
    private static readonly ApiResult FileServed = ApiResult.Detail(StatusCodes.Status200OK, "served");

    /// <summary>
    /// Streams <c>{container}/{task_id}/{path}</c> (container = the task kind's) with its content type, ETag,
    /// Content-Length and single-range support; tenancy as every id route (another tenant's task is 404). A path that
    /// could leave the prefix, a cleaned-up task and a missing file are 404.
    /// </summary>
    public async Task<TaskFileResult> GetFileAsync(HttpRequest request, string taskId, string? path, ApiRoute route)
    {
        ArgumentNullException.ThrowIfNull(request);
        TaskFileResult? file = null;
        var answer = await Guard(request, async caller =>
        {
            var ct = request.HttpContext.RequestAborted;
            var (found, error) = await FindAsync(taskId, caller, route, ct);
            if (error is not null)
            {
                return error;
            }

            if (found!.Stored.IsDeleted || found.Document.Internal.IsDeleted || !TaskFileRequest.TryNormalizePath(path, out var relative))
            {
                return FileNotFound();
            }

            var container = TaskKinds.Container(found.Document.TaskType);
            var blobName = found.Stored.Id + "/" + relative;
            for (var attempt = 1; attempt <= FileReadAttempts; attempt++)
            {
                var properties = await blobs.GetPropertiesAsync(container, blobName, ct);
                if (properties is null)
                {
                    return FileNotFound();
                }

                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                {
                    ["ETag"] = properties.ETag,
                    ["Last-Modified"] = properties.LastModified.ToString("R", CultureInfo.InvariantCulture),
                    ["Accept-Ranges"] = "bytes",
                    ["Cache-Control"] = "private, no-cache",
                    ["X-Content-Type-Options"] = "nosniff",
                };
                if (TaskFileRequest.IfNoneMatchHits(request.Headers.IfNoneMatch.ToString(), properties.ETag))
                {
                    file = TaskFileResult.NotModified(headers);
                    return FileServed;
                }

                var range = TaskFileRequest.IfRangeAllows(request.Headers.IfRange.ToString(), properties.ETag)
                    ? TaskFileRequest.ParseRange(request.Headers.Range.ToString(), properties.Length)
                    : ByteRange.Full(properties.Length);
                if (range.Kind == ByteRangeKind.Unsatisfiable)
                {
                    return ApiResult.Detail(StatusCodes.Status416RangeNotSatisfiable, "Range Not Satisfiable")
                        .WithHeader("Content-Range", range.ContentRange)
                        .WithHeader("Accept-Ranges", "bytes");
                }

                var status = StatusCodes.Status200OK;
                if (range.Kind == ByteRangeKind.Partial)
                {
                    status = StatusCodes.Status206PartialContent;
                    headers["Content-Range"] = range.ContentRange;
                }

                if (range.Length == 0)
                {
                    file = TaskFileResult.File(status, properties.ContentType, 0, Stream.Null, headers);
                    return FileServed;
                }

                var content = await blobs.OpenReadRangeAsync(container, blobName, range.Offset, range.Length, properties.ETag, ct);
                if (content is null)
                {
                    // Replaced or removed since its properties were read: look again.
                    continue;
                }

                request.HttpContext.Response.RegisterForDisposeAsync(content);
                file = TaskFileResult.File(status, properties.ContentType, range.Length, content, headers);
                return FileServed;
            }

            return ApiResult.Detail(StatusCodes.Status503ServiceUnavailable, "The file kept changing while it was read; try again.");
        });

        return file ?? TaskFileResult.From(answer);
    }

    private static ApiResult FileNotFound() => ApiResult.Detail(StatusCodes.Status404NotFound, "File not found");
}
