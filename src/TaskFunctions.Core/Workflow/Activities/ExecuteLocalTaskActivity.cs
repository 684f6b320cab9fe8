using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.BackgroundFix;
using TaskFunctions.Core.Images.Subject;
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
    MarginAdjuster marginAdjuster,
    BackgroundFixer backgroundFixer,
    IOptions<ImageDecodeOptions> decode,
    ILogger<ExecuteLocalTaskActivity> logger) : ITaskActivity<LocalTaskInput, ExecutionOutcome>
{
    public async Task<ExecutionOutcome> RunAsync(LocalTaskInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await store.GetAsync(input.TaskId, cancellationToken);
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
            BackgroundFixTaskPublic fix => await FixBackgroundAsync(fix, input.MaskPath, cancellationToken),
            _ => ExecutionOutcome.Failure(ProviderCatalog.MissingMessage(task.TaskType, task.ProviderType), ErrorCategory.INTERNAL),
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
        var (opened, failure) = await OpenInputAsync("input_image", task.InputImagePath, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        await using var input = opened!;

        var hasReference = task.ReferenceImagePath is not null;
        using var output = new MemoryStream();
        int width, height;
        string contentType;
        try
        {
            if (ImageAdjusterRequestMapper.UsesMargins(request, hasReference))
            {
                Stream? reference = null;
                if (hasReference)
                {
                    var (openedReference, referenceFailure) = await OpenInputAsync("reference_image", task.ReferenceImagePath, cancellationToken);
                    if (referenceFailure is not null)
                    {
                        return referenceFailure;
                    }

                    reference = openedReference;
                }

                await using (reference)
                {
                    var result = await marginAdjuster.AdjustAsync(input, ImageAdjusterRequestMapper.ToMarginRequest(request, reference), output, cancellationToken);
                    (width, height, contentType) = (result.Width, result.Height, result.ContentType);
                }
            }
            else
            {
                var result = await adjuster.AdjustAsync(input, ImageAdjusterRequestMapper.ToAdjustRequest(request), output, cancellationToken);
                (width, height, contentType) = (result.Width, result.Height, result.ContentType);
            }
        }
        catch (InvalidImageException ex)
        {
            var field = ex.Role == ImageInputRole.Reference ? "reference_image" : "input_image";
            return ExecutionOutcome.Failure($"{field}: {ex.Reason}", ErrorCategory.VALIDATION);
        }

        output.Position = 0;
        var container = TaskKinds.Container(TaskType.IMAGE_ADJUSTER);
        var path = await blobs.UploadAsync(container, $"{task.Id}/result.{AdjustedImageOutput.Extension(contentType)}", output, contentType, cancellationToken);
        Log.Adjusted(logger, task.Id, width, height);
        return ExecutionOutcome.Success(new Dictionary<string, JsonElement>
        {
            ["result_image_path"] = JsonSerializer.SerializeToElement(path),
        });
    }

    private async Task<ExecutionOutcome> FixBackgroundAsync(BackgroundFixTaskPublic task, string? maskPath, CancellationToken cancellationToken)
    {
        IPersonMaskSource? personMask = null;
        if (maskPath is not null)
        {
            var (mask, maskFailure) = await ReadInputAsync("person mask", maskPath, cancellationToken);
            if (maskFailure is not null)
            {
                return maskFailure;
            }

            personMask = new CutoutPersonMaskSource(mask!, decode.Value);
        }

        var request = TaskJson.ReadCreateRequest<CreateBackgroundFixTask>(task);
        BackgroundFixRequest fixRequest;
        try
        {
            fixRequest = BackgroundFixRequest.From(request);
        }
        catch (ArgumentException ex)
        {
            return ExecutionOutcome.Failure(ex.Message, ErrorCategory.VALIDATION);
        }

        var (baseImage, baseFailure) = await OpenInputAsync("base_image", task.BaseImagePath, cancellationToken);
        if (baseFailure is not null)
        {
            return baseFailure;
        }

        await using (baseImage)
        {
            var (palette, paletteFailure) = await OpenInputAsync("palette_image", task.PaletteImagePath, cancellationToken);
            if (paletteFailure is not null)
            {
                return paletteFailure;
            }

            await using (palette)
            {
                using var output = new MemoryStream();
                BackgroundFixResult result;
                try
                {
                    result = await backgroundFixer.FixAsync(baseImage!, palette!, fixRequest, output, personMask, cancellationToken);
                }
                catch (PersonMaskUnavailableException ex)
                {
                    // An opaque photo: the workflow asks the background-removal provider for a cut-out and comes back.
                    return ExecutionOutcome.Failure(ex.Message, ErrorCategory.VALIDATION) with { NeedsPersonMask = maskPath is null };
                }
                catch (InvalidImageException ex)
                {
                    return ExecutionOutcome.Failure(ex.Message, ErrorCategory.VALIDATION);
                }

                output.Position = 0;
                var path = await blobs.UploadAsync(TaskKinds.Container(TaskType.BACKGROUND_FIX), $"{task.Id}/result.png", output, BackgroundFixer.OutputContentType, cancellationToken);
                Log.BackgroundFixed(logger, task.Id, result.TargetColor, result.PersonPixels);
                return ExecutionOutcome.Success(new Dictionary<string, JsonElement>
                {
                    ["result_image_path"] = JsonSerializer.SerializeToElement(path),
                });
            }
        }
    }

    private async Task<(byte[]? Bytes, ExecutionOutcome? Failure)> ReadInputAsync(string field, string? storedPath, CancellationToken cancellationToken)
    {
        var (stream, failure) = await OpenInputAsync(field, storedPath, cancellationToken);
        if (failure is not null)
        {
            return (null, failure);
        }

        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy, cancellationToken);
            return (copy.ToArray(), null);
        }
    }

    /// <summary>Opens a stored input blob; inputs that are not blobs (remote URLs) or vanished are VALIDATION failures.</summary>
    private async Task<(Stream? Stream, ExecutionOutcome? Failure)> OpenInputAsync(string field, string? storedPath, CancellationToken cancellationToken)
    {
        if (!BlobPath.TryParse(storedPath, out var path))
        {
            return (null, ExecutionOutcome.Failure($"{field}: this input was not stored as a file.", ErrorCategory.VALIDATION));
        }

        var stream = await blobs.OpenReadAsync(path.Container, path.Name, cancellationToken);
        return stream is null
            ? (null, ExecutionOutcome.Failure($"{field}: the stored input no longer exists.", ErrorCategory.VALIDATION))
            : (stream, null);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Task {TaskId}: image adjusted to {Width}x{Height}")]
        public static partial void Adjusted(ILogger logger, string taskId, int width, int height);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Task {TaskId}: background shifted toward {TargetColor} around {PersonPixels} person pixels")]
        public static partial void BackgroundFixed(ILogger logger, string taskId, string targetColor, long personPixels);
    }
}
