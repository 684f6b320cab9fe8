using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>
/// Maps tasks onto fal app inputs. The app is the task's <c>fal_app_id</c>, else <c>provider_config.fal_app_id</c>,
/// else the configured default of the kind (on a fallback, the fallback config's <c>fal_app_id</c> comes first); <c>provider_config.fal_parameters</c> (an object) is merged over the
/// mapped input, so callers can pass app-specific options the task schema does not name. EXPERIMENTAL_FAL passes
/// <c>fal_parameters</c> through untouched.
/// </summary>
public sealed class FalRequestMapper(IOptions<FalOptions> options, InputImages inputs, IOptions<ImageDecodeOptions> decode) : IJobRequestFactory
{
    public ProviderType Provider => ProviderType.FAL;

    public bool Supports(TaskType taskType) =>
        taskType is TaskType.GENERATION or TaskType.EDITING or TaskType.REFINE or TaskType.EXPERIMENTAL_FAL;

    public async Task<ProviderJobRequest> CreateAsync(TaskPublicBase task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var fal = options.Value;
        return task switch
        {
            ExperimentalFalTaskPublic experimental => new ProviderJobRequest(
                experimental.FalAppId,
                experimental.FalParameters is JsonObject parameters ? (JsonObject)parameters.DeepClone() : [],
                fal.StartTimeout),
            GenerationTaskPublic generation => Request(task, generation.FalAppId, fal.GenerationAppId, await GenerationAsync(generation, cancellationToken)),
            EditingTaskPublic editing => Request(task, editing.FalAppId, fal.EditingAppId, await EditingAsync(editing, cancellationToken)),
            RefineTaskPublic refine => Request(task, refine.FalAppId, fal.RefineAppId, await RefineAsync(refine, cancellationToken)),
            _ => throw new ProviderException(new ProviderFailure($"fal cannot run {task.TaskType} tasks.", ErrorCategory.INTERNAL, false)),
        };
    }

    private ProviderJobRequest Request(TaskPublicBase task, string? taskAppId, string defaultAppId, JsonObject input)
    {
        var config = task.ProviderConfig as JsonObject;
        var configured = config?["fal_app_id"] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

        // On the fallback the fallback's configuration decides the app; otherwise the task's own fal_app_id wins.
        var appId = task.Internal.FallbackUsed && configured is not null ? configured
            : !string.IsNullOrWhiteSpace(taskAppId) ? taskAppId
            : configured ?? defaultAppId;
        if (config?["fal_parameters"] is JsonObject overrides)
        {
            foreach (var (name, node) in overrides)
            {
                input[name] = node?.DeepClone();
            }
        }

        return new ProviderJobRequest(appId, input, options.Value.StartTimeout);
    }

    private async Task<JsonObject> GenerationAsync(GenerationTaskPublic task, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["prompt"] = task.Prompt ?? "", ["num_images"] = 1 };
        if (task.Width is { } width && task.Height is { } height)
        {
            input["image_size"] = new JsonObject { ["width"] = width, ["height"] = height };
        }

        if (task.Seed is { } seed)
        {
            input["seed"] = seed;
        }

        var loras = new JsonArray();
        AddLora(loras, task.SubjectModelPath, task.SubjectLoraWeight);
        AddLora(loras, task.ProductModelPath, task.ProductLoraWeight);
        AddLora(loras, task.StyleModelPath, task.StyleLoraWeight);
        AddLora(loras, task.Product2ModelPath, task.Product2LoraWeight);
        if (loras.Count > 0)
        {
            input["loras"] = loras;
        }

        if (task.ReferenceImagePath is not null)
        {
            input["image_url"] = await inputs.DataUriAsync("reference_image", task.ReferenceImagePath, cancellationToken);
            input["strength"] = Math.Round((task.ReferenceImageStrength ?? 50) / 100.0, 4);
        }

        return input;
    }

    private async Task<JsonObject> EditingAsync(EditingTaskPublic task, CancellationToken cancellationToken)
    {
        var baseImage = await inputs.DataUriAsync("base_image", task.BaseImagePath, cancellationToken);
        var input = new JsonObject { ["prompt"] = task.Prompt ?? "", ["image_url"] = baseImage, ["num_images"] = 1 };
        if (task.Width > 0 && task.Height > 0)
        {
            input["image_size"] = new JsonObject { ["width"] = task.Width, ["height"] = task.Height };
        }

        if (task.Seed is { } seed)
        {
            input["seed"] = seed;
        }

        if (task.ReferenceImages is { Count: > 0 } references)
        {
            // Multi-image edit apps take every image in image_urls, the base image first.
            var urls = new JsonArray(baseImage);
            for (var i = 0; i < references.Count; i++)
            {
                urls.Add(await inputs.DataUriAsync(string.Create(CultureInfo.InvariantCulture, $"reference_images[{i}]"), references[i], cancellationToken));
            }

            input["image_urls"] = urls;
        }

        return input;
    }

    private async Task<JsonObject> RefineAsync(RefineTaskPublic task, CancellationToken cancellationToken)
    {
        var request = TaskJson.ReadCreateRequest<CreateRefineTask>(task);
        string? stored = null;
        task.Internal.InputPaths?.TryGetValue("base_image_url", out stored);
        var bytes = await inputs.ReadAsync("base_image_url", stored, cancellationToken);
        var input = new JsonObject
        {
            ["image_url"] = await inputs.DataUriAsync("base_image_url", stored, cancellationToken),
            ["num_inference_steps"] = request.UpscaleSteps,
            ["creativity"] = request.UpscaleDenoise,
        };
        input["upscale_factor"] = await UpscaleFactorAsync(request, bytes, cancellationToken);
        if (!string.IsNullOrWhiteSpace(request.UpscalePrompt))
        {
            input["prompt"] = request.UpscalePrompt;
        }

        if (request.UpscaleSeed is { } seed)
        {
            input["seed"] = seed;
        }

        return input;
    }

    /// <summary>The requested factor, or the one that reaches the target size from the input's size.</summary>
    private async Task<double> UpscaleFactorAsync(CreateRefineTask request, byte[] image, CancellationToken cancellationToken)
    {
        if (request.UpscaleFactor is { } factor)
        {
            return factor;
        }

        if (request.TargetWidth is not null || request.TargetHeight is not null)
        {
            var (_, width, height) = await SafeImageDecoder.InspectAsync(image, decode.Value, cancellationToken);
            var byWidth = request.TargetWidth is { } tw ? (double)tw / width : 0;
            var byHeight = request.TargetHeight is { } th ? (double)th / height : 0;
            return Math.Round(Math.Max(1, Math.Max(byWidth, byHeight)), 4);
        }

        return 2;
    }

    private static void AddLora(JsonArray loras, string? path, double? weight)
    {
        if (!string.IsNullOrWhiteSpace(path))
        {
            loras.Add(new JsonObject { ["path"] = path, ["scale"] = weight ?? 1.0 });
        }
    }
}
