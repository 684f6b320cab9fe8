using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.Quality;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Replicate;

/// <summary>
/// Maps tasks onto Replicate model inputs, one request per <see cref="JobPart"/>; the request's endpoint is the model
/// (<c>owner/name</c> or <c>owner/name:version</c>). The model is <c>provider_config.model</c>, else
/// <c>Providers:Replicate:Models:{TaskType}</c>; <c>provider_config.version</c> pins (or replaces) its version;
/// <c>provider_config.input</c> (an object) is merged over the mapped input. REFINE's face-detail pass runs the
/// FACE_ENHANCER model (or <c>provider_config.face_detail_model</c>), with <c>provider_config.face_detail_input</c>
/// merged over it. Input names follow the default models (flux-dev, flux-kontext-pro, real-esrgan, video-01,
/// meta-llama-3, background-remover, multi-image-kontext-pro, codeformer); stored images travel as data URIs.
/// </summary>
public sealed class ReplicateRequestMapper(IOptions<ReplicateOptions> options, InputImages inputs, IOptions<ImageDecodeOptions> decode) : IJobRequestFactory
{
    /// <summary>Real-ESRGAN's largest scale.</summary>
    public const double MaxUpscale = 10;

    private static readonly HashSet<TaskType> Kinds =
    [
        TaskType.GENERATION,
        TaskType.EDITING,
        TaskType.REFINE,
        TaskType.VIDEO_GENERATION,
        TaskType.LLM_INTERACTION,
        TaskType.BACKGROUND_REMOVAL,
        TaskType.DETAIL_ENHANCER,
        TaskType.FACE_ENHANCER,
    ];

    /// <summary>flux-dev's <c>aspect_ratio</c> values.</summary>
    private static readonly (string Name, double Ratio)[] AspectRatios =
    [
        ("1:1", 1.0), ("16:9", 16.0 / 9), ("21:9", 21.0 / 9), ("3:2", 3.0 / 2), ("2:3", 2.0 / 3), ("4:5", 4.0 / 5),
        ("5:4", 5.0 / 4), ("3:4", 3.0 / 4), ("4:3", 4.0 / 3), ("9:16", 9.0 / 16), ("9:21", 9.0 / 21),
    ];

    public ProviderType Provider => ProviderType.REPLICATE;

    public bool Supports(TaskType taskType) => Kinds.Contains(taskType);

    public async Task<ProviderJobRequest> CreateAsync(TaskPublicBase task, JobPart part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(part);
        var config = task.ProviderConfig as JsonObject;
        return (task, part.Kind) switch
        {
            (GenerationTaskPublic generation, JobPartKind.Main) => Request(task, config, await GenerationAsync(generation, cancellationToken)),
            (EditingTaskPublic editing, JobPartKind.Main) => Request(task, config, await EditingAsync(editing, cancellationToken)),
            (RefineTaskPublic refine, JobPartKind.Upscale) => Request(task, config, await UpscaleAsync(refine, part, cancellationToken)),
            (RefineTaskPublic refine, JobPartKind.FaceDetail) => Request(
                ResolveModel(ConfigString(config, "face_detail_model"), null, TaskType.FACE_ENHANCER, "face_detail_model"),
                await FaceDetailAsync(refine, part, cancellationToken),
                config?["face_detail_input"] as JsonObject),
            (VideoGenerationTaskPublic video, JobPartKind.Main) => Request(task, config, await VideoAsync(video, cancellationToken)),
            (LLMInteractionTaskPublic llm, JobPartKind.Main) => Request(task, config, await LlmAsync(llm, cancellationToken)),
            (BackgroundRemovalTaskPublic removal, JobPartKind.Image) => Request(task, config, new JsonObject
            {
                ["image"] = await inputs.DataUriAsync(ImageInput.ListField("input_image_paths", part.Index), removal.InputImagePaths.ElementAtOrDefault(part.Index), cancellationToken),
                ["format"] = "png",
                ["background_type"] = "rgba",
            }),
            (DetailEnhancerTaskPublic detail, JobPartKind.Main) => Request(task, config, await DetailAsync(detail, cancellationToken)),
            (FaceEnhancerTaskPublic face, JobPartKind.FaceAttempt) => Request(task, config, await FaceAttemptAsync(face, part.Index, cancellationToken)),
            _ => throw new ProviderException(new ProviderFailure($"replicate cannot run the {part.Kind} job of {task.TaskType} tasks.", ErrorCategory.INTERNAL, false)),
        };
    }

    /// <summary>The flux <c>aspect_ratio</c> closest to <paramref name="width"/>:<paramref name="height"/> (compared on a log scale).</summary>
    public static string AspectRatio(int width, int height)
    {
        var ratio = Math.Log((double)Math.Max(1, width) / Math.Max(1, height));
        return AspectRatios.MinBy(a => Math.Abs(Math.Log(a.Ratio) - ratio)).Name;
    }

    /// <summary>
    /// The Real-ESRGAN scale of OUTPUT_SIZE mode: the smallest factor whose output covers the size
    /// <see cref="RefineUpscaleMode.OutputSize"/> asks for (rounded up to 0.01, between 1 and <see cref="MaxUpscale"/>);
    /// the final local resize makes the size exact.
    /// </summary>
    public static double CoveringScale(int? targetWidth, int? targetHeight, int width, int height)
    {
        var (w, h) = RefineUpscaleMode.OutputSize(targetWidth, targetHeight, width, height);
        var scale = Math.Max((double)w / width, (double)h / height);
        return Math.Clamp(Math.Ceiling(scale * 100) / 100, 1, MaxUpscale);
    }

    private ProviderJobRequest Request(TaskPublicBase task, JsonObject? config, JsonObject input) =>
        Request(ResolveModel(ConfigString(config, "model"), ConfigString(config, "version"), task.TaskType, "model"), input, config?["input"] as JsonObject);

    private static ProviderJobRequest Request(ReplicateModelRef model, JsonObject input, JsonObject? overrides)
    {
        foreach (var (name, node) in overrides ?? [])
        {
            input[name] = node?.DeepClone();
        }

        return new ProviderJobRequest(model.ToString(), input);
    }

    /// <summary>The configured model (or the task's <paramref name="configured"/> one), with <paramref name="version"/> pinned when given.</summary>
    private ReplicateModelRef ResolveModel(string? configured, string? version, TaskType taskType, string field)
    {
        var text = configured ?? options.Value.ModelOf(taskType);
        if (!ReplicateModelRef.TryParse(text, out var model))
        {
            throw Invalid(configured is null
                ? $"replicate: no valid model is configured for {taskType} (Providers:Replicate:Models:{taskType})."
                : $"provider_config.{field}: '{HttpFailureClassifier.Sanitize(text)}' is not a Replicate model (owner/name or owner/name:version).");
        }

        if (version is not null)
        {
            if (!ReplicateModelRef.IsVersion(version))
            {
                throw Invalid($"provider_config.version: '{HttpFailureClassifier.Sanitize(version)}' is not a Replicate version id.");
            }

            model = model with { Version = version.Trim() };
        }

        return model;
    }

    private static ProviderException Invalid(string message) => new(new ProviderFailure(message, ErrorCategory.VALIDATION, Retryable: false));

    private static string? ConfigString(JsonObject? config, string name) =>
        config?[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private async Task<JsonObject> GenerationAsync(GenerationTaskPublic task, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["prompt"] = task.Prompt ?? "", ["num_outputs"] = 1, ["output_format"] = "png" };
        if (task.Width is { } width && task.Height is { } height)
        {
            input["aspect_ratio"] = AspectRatio(width, height);
        }

        if (task.Seed is { } seed)
        {
            input["seed"] = seed;
        }

        // flux LoRA models take one LoRA and one extra LoRA.
        var loras = new[]
            {
                (task.SubjectModelPath, task.SubjectLoraWeight), (task.ProductModelPath, task.ProductLoraWeight),
                (task.StyleModelPath, task.StyleLoraWeight), (task.Product2ModelPath, task.Product2LoraWeight),
            }
            .Where(l => !string.IsNullOrWhiteSpace(l.Item1))
            .ToList();
        if (loras.Count > 2)
        {
            throw Invalid("replicate: flux LoRA models take at most two LoRAs (lora_weights and extra_lora).");
        }

        if (loras.Count > 0)
        {
            input["lora_weights"] = loras[0].Item1;
            input["lora_scale"] = loras[0].Item2 ?? 1.0;
        }

        if (loras.Count > 1)
        {
            input["extra_lora"] = loras[1].Item1;
            input["extra_lora_scale"] = loras[1].Item2 ?? 1.0;
        }

        if (task.ReferenceImagePath is not null)
        {
            input["image"] = await inputs.DataUriAsync("reference_image", task.ReferenceImagePath, cancellationToken);
            input["prompt_strength"] = Math.Round((task.ReferenceImageStrength ?? 50) / 100.0, 4);
        }

        return input;
    }

    private async Task<JsonObject> EditingAsync(EditingTaskPublic task, CancellationToken cancellationToken)
    {
        if (task.ReferenceImages is { Count: > 0 })
        {
            throw Invalid("reference_images: the Replicate edit model takes one image; run multi-image edits on another provider.");
        }

        var input = new JsonObject
        {
            ["prompt"] = task.Prompt ?? "",
            ["input_image"] = await inputs.DataUriAsync("base_image", task.BaseImagePath, cancellationToken),
            ["aspect_ratio"] = "match_input_image",
            ["output_format"] = "png",
        };
        if (task.Seed is { } seed)
        {
            input["seed"] = seed;
        }

        return input;
    }

    /// <summary>REFINE's upscale pass: Real-ESRGAN's <c>scale</c> is the factor, or (OUTPUT_SIZE) the one covering the target.</summary>
    private async Task<JsonObject> UpscaleAsync(RefineTaskPublic task, JobPart part, CancellationToken cancellationToken)
    {
        var request = TaskJson.ReadCreateRequest<CreateRefineTask>(task);
        var bytes = await inputs.ReadAsync("base_image_url", part.Source ?? StoredInput(task, "base_image_url"), cancellationToken);
        var mode = RefineUpscaleMode.For(request.UpscaleFactor);
        double scale;
        if (mode.Kind == RefineUpscaleKind.Factor)
        {
            scale = mode.Factor!.Value;
            if (scale is <= 0 or > MaxUpscale)
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture, $"upscale_factor: Real-ESRGAN scales by more than 0 and at most {MaxUpscale}."));
            }
        }
        else
        {
            var (_, width, height) = await SafeImageDecoder.InspectAsync(bytes, decode.Value, cancellationToken);
            scale = CoveringScale(request.TargetWidth, request.TargetHeight, width, height);
        }

        return new JsonObject { ["image"] = InputImages.DataUri(bytes), ["scale"] = scale, ["face_enhance"] = false };
    }

    /// <summary>REFINE's face-detail pass on CodeFormer, keeping the size: a higher denoise keeps less of the input.</summary>
    private async Task<JsonObject> FaceDetailAsync(RefineTaskPublic task, JobPart part, CancellationToken cancellationToken)
    {
        var request = TaskJson.ReadCreateRequest<CreateRefineTask>(task);
        return new JsonObject
        {
            ["image"] = await inputs.DataUriAsync("base_image_url", part.Source ?? StoredInput(task, "base_image_url"), cancellationToken),
            ["codeformer_fidelity"] = Math.Round(Math.Clamp(1 - request.FaceDetailDenoise, 0, 1), 4),
            ["upscale"] = 1,
            ["face_upsample"] = false,
            ["background_enhance"] = false,
        };
    }

    private async Task<JsonObject> VideoAsync(VideoGenerationTaskPublic task, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["prompt"] = task.Prompt, ["prompt_optimizer"] = true };
        if (task.InputImagePath is not null)
        {
            input["first_frame_image"] = await inputs.DataUriAsync(CreateVideoGenerationTask.InputImageField, task.InputImagePath, cancellationToken);
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

        if (task.InputImages is { Count: > 0 } images)
        {
            // Vision models on Replicate take "image"; several images also go as "images".
            var uris = new List<string>();
            for (var i = 0; i < images.Count; i++)
            {
                uris.Add(await inputs.DataUriAsync(ImageInput.ListField("input_images", i), images[i], cancellationToken));
            }

            input["image"] = uris[0];
            if (uris.Count > 1)
            {
                input["images"] = new JsonArray([.. uris.Select(u => (JsonNode)u)]);
            }
        }

        return input;
    }

    private async Task<JsonObject> DetailAsync(DetailEnhancerTaskPublic task, CancellationToken cancellationToken)
    {
        var what = string.IsNullOrWhiteSpace(task.DetailLabel) ? "fine details" : $"the details of the {task.DetailLabel.Trim()}";
        return new JsonObject
        {
            ["prompt"] = $"Recreate {what} of the second image faithfully on the first image; keep everything else in the first image unchanged.",
            ["input_image_1"] = await inputs.DataUriAsync("base_image", task.BaseImagePath, cancellationToken),
            ["input_image_2"] = await inputs.DataUriAsync("reference_image", task.ReferenceImagePath, cancellationToken),
            ["aspect_ratio"] = "match_input_image",
            ["output_format"] = "png",
        };
    }

    /// <summary>A quality-loop attempt on CodeFormer: seed = attempt, rising fidelity, the input's size kept.</summary>
    private async Task<JsonObject> FaceAttemptAsync(FaceEnhancerTaskPublic task, int attempt, CancellationToken cancellationToken) => new()
    {
        ["image"] = await inputs.DataUriAsync("input_image", task.InputImagePath, cancellationToken),
        ["seed"] = attempt,
        ["codeformer_fidelity"] = FaceAttempts.Fidelity(attempt),
        ["upscale"] = 1,
        ["face_upsample"] = false,
        ["background_enhance"] = false,
    };

    private static string? StoredInput(TaskPublicBase task, string field)
    {
        string? stored = null;
        task.Internal.InputPaths?.TryGetValue(field, out stored);
        return stored;
    }
}
