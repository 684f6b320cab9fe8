using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Telemetry;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// Runs a LOCAL (in-process) executor: reads the task's input blob, does the image work, writes the result
/// blob under the task's prefix and returns only its path. Bad input is a VALIDATION failure, not an exception.
/// </summary>
public sealed partial class ExecuteLocalTaskActivity(
    ITaskStore store,
    IBlobStore blobs,
    ImageAdjuster adjuster,
    ILogger<ExecuteLocalTaskActivity> logger) : ITaskActivity<string, ExecutionOutcome>
{
    public async Task<ExecutionOutcome> RunAsync(string taskId, CancellationToken cancellationToken = default)
    {
        var stored = await store.GetAsync(taskId, cancellationToken);
        if (stored is null)
        {
            return ExecutionOutcome.Failure("Task no longer exists.", ErrorCategory.CANCELLED);
        }

        var task = TaskJson.DeserializeDocument(stored.Document);
        using var span = TaskTelemetry.StartTaskActivity("executor.local", task.Id, task.TaskType, ProviderType.LOCAL);
        var started = Stopwatch.GetTimestamp();
        var outcome = task switch
        {
            ImageAdjusterTaskPublic adjust => await AdjustImageAsync(adjust, cancellationToken),
            _ => ExecutionOutcome.Failure(ExecutorCatalog.MissingMessage(task.TaskType, task.ProviderType), ErrorCategory.INTERNAL),
        };
        TaskTelemetry.ProviderCall(task.TaskType, ProviderType.LOCAL, Stopwatch.GetElapsedTime(started), outcome.Succeeded);
        if (!outcome.Succeeded)
        {
            span?.SetStatus(ActivityStatusCode.Error, outcome.Error);
        }

        return outcome;
    }

    private async Task<ExecutionOutcome> AdjustImageAsync(ImageAdjusterTaskPublic task, CancellationToken cancellationToken)
    {
        var request = TaskJson.ReadCreateRequest<CreateImageAdjusterTask>(task);
        if (!BlobPath.TryParse(task.InputImagePath, out var inputPath))
        {
            return ExecutionOutcome.Failure(
                "input_image: only base64 and data-URL inputs are supported by the LOCAL image adjuster in this version.",
                ErrorCategory.VALIDATION);
        }

        await using var input = await blobs.OpenReadAsync(inputPath.Container, inputPath.Name, cancellationToken);
        if (input is null)
        {
            return ExecutionOutcome.Failure("input_image: the stored input no longer exists.", ErrorCategory.VALIDATION);
        }

        var adjustRequest = ImageAdjusterRequestMapper.ToAdjustRequest(request);
        using var output = new MemoryStream();
        AdjustResult result;
        try
        {
            result = await adjuster.AdjustAsync(input, adjustRequest, output, cancellationToken);
        }
        catch (InvalidImageException ex)
        {
            return ExecutionOutcome.Failure($"input_image: {ex.Message}", ErrorCategory.VALIDATION);
        }

        output.Position = 0;
        var container = TaskKinds.Container(TaskType.IMAGE_ADJUSTER);
        var path = await blobs.UploadAsync(container, $"{task.Id}/result.png", output, result.ContentType, cancellationToken);
        Log.Adjusted(logger, task.Id, result.Width, result.Height);
        return ExecutionOutcome.Success(new Dictionary<string, JsonElement>
        {
            ["result_image_path"] = JsonSerializer.SerializeToElement(path),
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Task {TaskId}: image adjusted to {Width}x{Height}")]
        public static partial void Adjusted(ILogger logger, string taskId, int width, int height);
    }
}
