using System.Text.Json;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// REFINE's last step: the output of the last pass becomes <c>refines/{id}/result.*</c>. With <c>target_width</c> /
/// <c>target_height</c> it is resized (Lanczos-3) to exactly that size, a missing side following the output's aspect
/// ratio, and stored as PNG; without a target the provider's file is stored as it is.
/// </summary>
public sealed class FinishRefineActivity(ITaskStore store, IBlobStore blobs, InputImages images, IOptions<ImageDecodeOptions> decode)
    : ITaskActivity<FinishRefineInput, ExecutionOutcome>
{
    public async Task<ExecutionOutcome> RunAsync(FinishRefineInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await store.GetAsync(input.TaskId, cancellationToken);
        if (stored is null || TaskJson.DeserializeDocument(stored.Document) is not RefineTaskPublic task)
        {
            return ExecutionOutcome.Failure("The task ended before its result was stored.", ErrorCategory.CANCELLED);
        }

        byte[] source;
        try
        {
            source = await images.ReadAsync("refined output", input.SourcePath, cancellationToken);
        }
        catch (ProviderException ex)
        {
            return ExecutionOutcome.From(ex.Failure);
        }

        var container = TaskKinds.Container(TaskType.REFINE);
        string path;
        try
        {
            if (task.TargetWidth is null && task.TargetHeight is null)
            {
                var (format, _, _) = await SafeImageDecoder.InspectAsync(source, decode.Value, cancellationToken);
                var (extension, contentType) = format switch
                {
                    ImageFormatKind.Jpeg => ("jpg", "image/jpeg"),
                    ImageFormatKind.WebP => ("webp", "image/webp"),
                    _ => ("png", "image/png"),
                };
                using var copy = new MemoryStream(source, writable: false);
                path = await blobs.UploadAsync(container, $"{task.Id}/result.{extension}", copy, contentType, cancellationToken);
            }
            else
            {
                using var image = await SafeImageDecoder.DecodeAsync(new MemoryStream(source, writable: false), decode.Value, cancellationToken);
                var (width, height) = RefineUpscaleMode.OutputSize(task.TargetWidth, task.TargetHeight, image.Width, image.Height);
                if (image.Width != width || image.Height != height)
                {
                    image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(width, height), Mode = SixLabors.ImageSharp.Processing.ResizeMode.Stretch, Sampler = KnownResamplers.Lanczos3 }));
                }

                using var output = new MemoryStream();
                await AdjustedImageOutput.WritePngAsync(image, keepAlpha: AdjustedImageOutput.HasTransparency(image), output, cancellationToken);
                output.Position = 0;
                path = await blobs.UploadAsync(container, $"{task.Id}/result.png", output, "image/png", cancellationToken);
            }
        }
        catch (InvalidImageException ex)
        {
            return ExecutionOutcome.From(new ProviderFailure($"The refined output was refused: {ex.Message}", ErrorCategory.PROVIDER_ERROR, false));
        }

        return ExecutionOutcome.Success(new Dictionary<string, JsonElement> { ["result_image_path"] = JsonSerializer.SerializeToElement(path) });
    }
}
