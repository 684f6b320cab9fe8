using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.Quality;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>
/// Maps tasks onto fal app inputs, one request per <see cref="JobPart"/>. The app is the task's <c>fal_app_id</c>, else
/// <c>provider_config.fal_app_id</c>, else the configured default of the kind; on the fallback stage the fallback
/// configuration's <c>fal_app_id</c> comes first, for every kind. <c>provider_config.fal_parameters</c> (an object) is
/// merged over the mapped input, so callers can pass app-specific options the task schema does not name.
/// EXPERIMENTAL_FAL sends <c>fal_parameters</c> as given (with the config's <c>fal_parameters</c> merged over them).
/// Stored input images travel as data URIs, which fal accepts wherever it takes an image URL.
/// </summary>
public sealed class FalRequestMapper(IOptions<FalOptions> options, InputImages inputs, IOptions<ImageDecodeOptions> decode) : IJobRequestFactory
{
    public ProviderType Provider => ProviderType.FAL;

    /// <summary>The kinds fal runs, and BACKGROUND_FIX, whose person mask fal makes for the LOCAL fix.</summary>
    public bool Supports(TaskType taskType) => TaskProviders.Runs(taskType, ProviderType.FAL) || taskType == TaskType.BACKGROUND_FIX;

    public async Task<ProviderJobRequest> CreateAsync(TaskPublicBase task, JobPart part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(part);
        var fal = options.Value;
        return (task, part.Kind) switch
        {
            (ExperimentalFalTaskPublic experimental, JobPartKind.Main) => Request(
                task,
                experimental.FalAppId,
                experimental.FalAppId,
                experimental.FalParameters is JsonObject parameters ? (JsonObject)parameters.DeepClone() : []),
            (GenerationTaskPublic generation, JobPartKind.Main) => Request(task, generation.FalAppId, fal.GenerationAppId, await GenerationAsync(generation, cancellationToken)),
            (EditingTaskPublic editing, JobPartKind.Main) => Request(task, editing.FalAppId, fal.EditingAppId, await EditingAsync(editing, cancellationToken)),
            (RefineTaskPublic refine, JobPartKind.Upscale) => Request(task, refine.FalAppId, fal.RefineAppId, await UpscaleAsync(refine, part, cancellationToken)),
            (RefineTaskPublic refine, JobPartKind.FaceDetail) => FaceDetail(refine, await FaceDetailAsync(refine, part, cancellationToken)),
            (VideoGenerationTaskPublic video, JobPartKind.Main) => Request(
                task, null, video.InputImagePath is null ? fal.VideoAppId : fal.ImageToVideoAppId, await VideoAsync(video, cancellationToken)),
            (LLMInteractionTaskPublic llm, JobPartKind.Main) => Request(
                task, null, llm.InputImages is { Count: > 0 } ? fal.VisionLlmAppId : fal.LlmAppId, await LlmAsync(llm, cancellationToken)),
            (BackgroundRemovalTaskPublic removal, JobPartKind.Image) => Request(task, null, fal.BackgroundRemovalAppId, await CutoutAsync(
                ImageInput.ListField("input_image_paths", part.Index), removal.InputImagePaths.ElementAtOrDefault(part.Index), cancellationToken)),
            (DetailEnhancerTaskPublic detail, JobPartKind.Main) => Request(task, null, fal.DetailEnhancerAppId, await DetailAsync(detail, cancellationToken)),
            (FaceEnhancerTaskPublic face, JobPartKind.FaceAttempt) => Request(task, null, fal.FaceEnhancerAppId, await FaceAttemptAsync(face, part.Index, cancellationToken)),

            // The mask serves a LOCAL task: its provider settings are the configured background-removal app's, not the task's.
            (BackgroundFixTaskPublic fix, JobPartKind.Mask) => new ProviderJobRequest(
                fal.BackgroundRemovalAppId, await CutoutAsync("base_image", fix.BaseImagePath, cancellationToken), fal.StartTimeout),
            _ => throw new ProviderException(new ProviderFailure($"fal cannot run the {part.Kind} job of {task.TaskType} tasks.", ErrorCategory.INTERNAL, false)),
        };
    }

    private ProviderJobRequest Request(TaskPublicBase task, string? taskAppId, string defaultAppId, JsonObject input)
    {
        var config = task.ProviderConfig as JsonObject;
        var configured = ConfigString(config, "fal_app_id");

        // On the fallback the fallback's configuration decides the app; otherwise the task's own fal_app_id wins.
        var appId = task.Internal.FallbackUsed && configured is not null ? configured
            : !string.IsNullOrWhiteSpace(taskAppId) ? taskAppId
            : configured ?? defaultAppId;
        MergeParameters(input, config?["fal_parameters"] as JsonObject);
        return new ProviderJobRequest(appId, input, options.Value.StartTimeout);
    }

    private ProviderJobRequest FaceDetail(RefineTaskPublic task, JsonObject input)
    {
        var config = task.ProviderConfig as JsonObject;
        MergeParameters(input, config?["face_detail_parameters"] as JsonObject);
        return new ProviderJobRequest(ConfigString(config, "face_detail_app_id") ?? options.Value.FaceDetailAppId, input, options.Value.StartTimeout);
    }

    private static void MergeParameters(JsonObject input, JsonObject? overrides)
    {
        foreach (var (name, node) in overrides ?? [])
        {
            input[name] = node?.DeepClone();
        }
    }

    private static string? ConfigString(JsonObject? config, string name) =>
        config?[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private async Task<JsonObject> GenerationAsync(GenerationTaskPublic task, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["prompt"] = task.Prompt ?? "", ["num_images"] = 1 };
        if (task.Width is { } width && task.Height is { } height)
        {
            input["image_size"] = Size(width, height);
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
            input["image_size"] = Size(task.Width, task.Height);
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
                urls.Add(await inputs.DataUriAsync(ImageInput.ListField("reference_images", i), references[i], cancellationToken));
            }

            input["image_urls"] = urls;
        }

        return input;
    }

    /// <summary>REFINE's upscale pass: by factor (UPSCALE_*X / UPSCALE_FLOAT) or by output size (OUTPUT_SIZE), per <see cref="RefineUpscaleMode"/>.</summary>
    private async Task<JsonObject> UpscaleAsync(RefineTaskPublic task, JobPart part, CancellationToken cancellationToken)
    {
        var request = TaskJson.ReadCreateRequest<CreateRefineTask>(task);
        var source = part.Source ?? StoredInput(task, "base_image_url");
        var bytes = await inputs.ReadAsync("base_image_url", source, cancellationToken);
        var input = new JsonObject
        {
            ["image_url"] = InputImages.DataUri(bytes),
            ["num_inference_steps"] = request.UpscaleSteps,
            ["creativity"] = request.UpscaleDenoise,
        };
        var mode = RefineUpscaleMode.For(request.UpscaleFactor);
        if (mode.Kind == RefineUpscaleKind.Factor)
        {
            input["upscale_factor"] = mode.Factor;
        }
        else
        {
            var (_, width, height) = await SafeImageDecoder.InspectAsync(bytes, decode.Value, cancellationToken);
            var (targetWidth, targetHeight) = RefineUpscaleMode.OutputSize(request.TargetWidth, request.TargetHeight, width, height);
            input["image_size"] = Size(targetWidth, targetHeight);
        }

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

    private async Task<JsonObject> FaceDetailAsync(RefineTaskPublic task, JobPart part, CancellationToken cancellationToken)
    {
        var request = TaskJson.ReadCreateRequest<CreateRefineTask>(task);
        var input = new JsonObject
        {
            ["image_url"] = await inputs.DataUriAsync("base_image_url", part.Source ?? StoredInput(task, "base_image_url"), cancellationToken),
            ["prompt"] = string.IsNullOrWhiteSpace(request.FaceDetailPrompt) ? "a detailed, natural, sharp face" : request.FaceDetailPrompt,
            ["num_inference_steps"] = request.FaceDetailSteps,
            ["strength"] = request.FaceDetailDenoise,
        };
        if (request.FaceDetailSeed is { } seed)
        {
            input["seed"] = seed;
        }

        return input;
    }

    private async Task<JsonObject> VideoAsync(VideoGenerationTaskPublic task, CancellationToken cancellationToken)
    {
        var input = new JsonObject
        {
            ["prompt"] = task.Prompt,
            ["duration"] = task.DurationSeconds.ToString(CultureInfo.InvariantCulture),
            ["cfg_scale"] = task.CfgScale,
        };
        if (!string.IsNullOrWhiteSpace(task.NegativePrompt))
        {
            input["negative_prompt"] = task.NegativePrompt;
        }

        if (task.InputImagePath is not null)
        {
            input["image_url"] = await inputs.DataUriAsync(CreateVideoGenerationTask.InputImageField, task.InputImagePath, cancellationToken);
        }

        return input;
    }

    private async Task<JsonObject> LlmAsync(LLMInteractionTaskPublic task, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["prompt"] = task.Prompt };
        if (!string.IsNullOrWhiteSpace(task.SystemPrompt))
        {
            input["system_prompt"] = task.SystemPrompt;
        }

        if (ConfigString(task.ProviderConfig as JsonObject, "model") is { } model)
        {
            input["model"] = model;
        }

        if (task.InputImages is { Count: > 0 } images)
        {
            var urls = new JsonArray();
            for (var i = 0; i < images.Count; i++)
            {
                urls.Add(await inputs.DataUriAsync(ImageInput.ListField("input_images", i), images[i], cancellationToken));
            }

            input["image_urls"] = urls;
        }

        return input;
    }

    private async Task<JsonObject> CutoutAsync(string field, string? storedPath, CancellationToken cancellationToken) => new()
    {
        ["image_url"] = await inputs.DataUriAsync(field, storedPath, cancellationToken),
        ["output_format"] = "png",
    };

    private async Task<JsonObject> DetailAsync(DetailEnhancerTaskPublic task, CancellationToken cancellationToken)
    {
        var baseImage = await inputs.DataUriAsync("base_image", task.BaseImagePath, cancellationToken);
        var reference = await inputs.DataUriAsync("reference_image", task.ReferenceImagePath, cancellationToken);
        var what = string.IsNullOrWhiteSpace(task.DetailLabel) ? "fine details" : $"the details of the {task.DetailLabel.Trim()}";
        return new JsonObject
        {
            ["prompt"] = $"Recreate {what} of the second image faithfully on the first image; keep everything else in the first image unchanged.",
            ["image_url"] = baseImage,
            ["image_urls"] = new JsonArray(baseImage, reference),
            ["num_images"] = 1,
            ["output_format"] = "png",
        };
    }

    private async Task<JsonObject> FaceAttemptAsync(FaceEnhancerTaskPublic task, int attempt, CancellationToken cancellationToken) => new()
    {
        ["image_url"] = await inputs.DataUriAsync("input_image", task.InputImagePath, cancellationToken),
        ["seed"] = attempt,
        ["fidelity"] = FaceAttempts.Fidelity(attempt),
    };

    private static string? StoredInput(TaskPublicBase task, string field)
    {
        string? stored = null;
        task.Internal.InputPaths?.TryGetValue(field, out stored);
        return stored;
    }

    private static JsonObject Size(int width, int height) => new() { ["width"] = width, ["height"] = height };

    private static void AddLora(JsonArray loras, string? path, double? weight)
    {
        if (!string.IsNullOrWhiteSpace(path))
        {
            loras.Add(new JsonObject { ["path"] = path, ["scale"] = weight ?? 1.0 });
        }
    }
}
