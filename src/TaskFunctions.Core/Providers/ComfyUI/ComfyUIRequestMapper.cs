using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.ComfyUI;

/// <summary>
/// Maps a task's job onto a ComfyUI workflow: picks the graph, injects the task's values (see <see cref="ComfyUIInjection"/>)
/// and lists the input images to upload. The request is <c>Endpoint</c> = the workflow's name (<c>inline</c> for a graph
/// given in <c>provider_config</c>) and <c>Input</c> = <c>{"prompt": graph, "uploads": [{node, input, name, data}]}</c>;
/// <see cref="ComfyUIClient"/> uploads each image, puts the returned file name at <c>prompt[node].inputs[input]</c> and
/// posts the graph.
/// <para>
/// The graph: <c>provider_config.workflow</c> (an API-format object), else the named workflow
/// <c>Providers:ComfyUI:Workflows:{provider_config.workflow_name}</c>, else <c>Workflows:{TaskType}</c>. REFINE's
/// face-detail pass uses <c>provider_config.face_detail_workflow</c> / <c>face_detail_workflow_name</c>, else
/// <c>Workflows:FACE_ENHANCER</c>. None is VALIDATION.
/// </para>
/// </summary>
public sealed class ComfyUIRequestMapper(ComfyUIWorkflows workflows, InputImages inputs, IOptions<ImageDecodeOptions> decode) : IJobRequestFactory
{
    /// <summary>The <see cref="ProviderJobRequest.Input"/> member holding the graph.</summary>
    public const string GraphMember = "prompt";

    /// <summary>The <see cref="ProviderJobRequest.Input"/> member listing the images to upload first.</summary>
    public const string UploadsMember = "uploads";

    /// <summary>The endpoint of a graph given in <c>provider_config</c>.</summary>
    public const string InlineEndpoint = "inline";

    /// <summary>The prompt of REFINE's face-detail pass when the task gives none.</summary>
    public const string DefaultFaceDetailPrompt = "a detailed, natural, sharp face";

    public ProviderType Provider => ProviderType.COMFYUI;

    public bool Supports(TaskType taskType) => taskType is TaskType.GENERATION or TaskType.EDITING or TaskType.REFINE
        or TaskType.BACKGROUND_REMOVAL or TaskType.DETAIL_ENHANCER or TaskType.FACE_ENHANCER;

    public async Task<ProviderJobRequest> CreateAsync(TaskPublicBase task, JobPart part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(part);
        var config = task.ProviderConfig as JsonObject;
        var values = (task, part.Kind) switch
        {
            (GenerationTaskPublic generation, JobPartKind.Main) => await GenerationAsync(generation, config, cancellationToken),
            (EditingTaskPublic editing, JobPartKind.Main) => await EditingAsync(editing, config, cancellationToken),
            (RefineTaskPublic refine, JobPartKind.Upscale) => await UpscaleAsync(refine, part, cancellationToken),
            (RefineTaskPublic refine, JobPartKind.FaceDetail) => await FaceDetailAsync(refine, part, cancellationToken),
            (BackgroundRemovalTaskPublic removal, JobPartKind.Image) => new ComfyUIValues
            {
                Images = [await ImageAsync(ComfyUIInjection.Image, ImageInput.ListField("input_image_paths", part.Index), removal.InputImagePaths.ElementAtOrDefault(part.Index), cancellationToken)],
            },
            (DetailEnhancerTaskPublic detail, JobPartKind.Main) => await DetailAsync(detail, cancellationToken),
            (FaceEnhancerTaskPublic face, JobPartKind.FaceAttempt) => new ComfyUIValues
            {
                Seed = part.Index,
                Images = [await ImageAsync(ComfyUIInjection.Image, "input_image", face.InputImagePath, cancellationToken)],
            },
            _ => throw new ProviderException(new ProviderFailure(
                $"{ComfyUIErrors.ProviderName} cannot run the {part.Kind} job of {task.TaskType} tasks.", ErrorCategory.INTERNAL, false)),
        };

        var (graph, endpoint) = Workflow(task, part, config);
        var uploads = ComfyUIInjection.Inject(graph, values, UploadStem(task.Id, part), endpoint);
        var input = new JsonObject
        {
            [GraphMember] = graph,
            [UploadsMember] = new JsonArray([.. uploads.Select(u => (JsonNode)u.ToJson())]),
        };
        return new ProviderJobRequest(endpoint, input);
    }

    /// <summary>The graph of this job and its name (the endpoint), as a fresh copy the injection may change.</summary>
    private (JsonObject Graph, string Name) Workflow(TaskPublicBase task, JobPart part, JsonObject? config)
    {
        var faceDetail = part.Kind == JobPartKind.FaceDetail;
        var (objectKey, nameKey, defaultName) = faceDetail
            ? ("face_detail_workflow", "face_detail_workflow_name", nameof(TaskType.FACE_ENHANCER))
            : ("workflow", "workflow_name", task.TaskType.ToString());

        if (config?[objectKey] is { } inline)
        {
            if (ComfyUIWorkflows.Check(inline) is { } problem)
            {
                throw Invalid($"provider_config.{objectKey}: {problem}");
            }

            return ((JsonObject)inline.DeepClone(), InlineEndpoint);
        }

        if (config?[nameKey] is { } named)
        {
            var name = ComfyUIErrors.String(named) ?? throw Invalid($"provider_config.{nameKey} must be a workflow name.");
            return (workflows.Find(name) ?? throw Invalid(
                $"provider_config.{nameKey}: no workflow '{HttpFailureClassifier.Sanitize(name)}' is configured ({ComfyUIOptions.SectionName}:Workflows)."), name);
        }

        if (workflows.Find(defaultName) is { } kindDefault)
        {
            return (kindDefault, defaultName);
        }

        throw Invalid(faceDetail
            ? $"no ComfyUI workflow for the REFINE face-detail pass: set provider_config.face_detail_workflow or face_detail_workflow_name (or {ComfyUIOptions.SectionName}:Workflows:FACE_ENHANCER)"
            : $"no ComfyUI workflow for {task.TaskType}: set provider_config.workflow or workflow_name");
    }

    private async Task<ComfyUIValues> GenerationAsync(GenerationTaskPublic task, JsonObject? config, CancellationToken cancellationToken) => new()
    {
        Prompt = task.Prompt ?? string.Empty,
        PromptRequired = true,
        NegativePrompt = ComfyUIErrors.String(config?["negative_prompt"]),
        Seed = task.Seed,
        Width = task.Width,
        Height = task.Height,
        Images = task.ReferenceImagePath is null ? [] : [await ImageAsync(ComfyUIInjection.ReferenceImage, "reference_image", task.ReferenceImagePath, cancellationToken)],
    };

    private async Task<ComfyUIValues> EditingAsync(EditingTaskPublic task, JsonObject? config, CancellationToken cancellationToken)
    {
        var images = new List<ComfyUIImage> { await ImageAsync(ComfyUIInjection.Image, "base_image", task.BaseImagePath, cancellationToken) };
        var (field, reference) = task.ReferenceImagePath is not null ? ("reference_image", task.ReferenceImagePath)
            : task.ReferenceImages is { Count: > 0 } list ? (ImageInput.ListField("reference_images", 0), list[0])
            : (null, null);
        if (field is not null)
        {
            images.Add(await ImageAsync(ComfyUIInjection.ReferenceImage, field, reference, cancellationToken) with { Required = false });
        }

        return new ComfyUIValues
        {
            Prompt = task.Prompt ?? string.Empty,
            PromptRequired = true,
            NegativePrompt = ComfyUIErrors.String(config?["negative_prompt"]),
            Seed = task.Seed,
            Width = task.Width > 0 ? task.Width : null,
            Height = task.Height > 0 ? task.Height : null,
            Images = images,
        };
    }

    /// <summary>REFINE's upscale pass: <c>input_upscale_factor</c> in factor mode, <c>input_width</c>/<c>input_height</c> in OUTPUT_SIZE mode (<see cref="RefineUpscaleMode"/>).</summary>
    private async Task<ComfyUIValues> UpscaleAsync(RefineTaskPublic task, JobPart part, CancellationToken cancellationToken)
    {
        var request = TaskJson.ReadCreateRequest<CreateRefineTask>(task);
        var bytes = await inputs.ReadAsync("base_image_url", part.Source ?? StoredInput(task, "base_image_url"), cancellationToken);
        var mode = RefineUpscaleMode.For(request.UpscaleFactor);
        int? width = null, height = null;
        if (mode.Kind == RefineUpscaleKind.OutputSize)
        {
            var (_, inputWidth, inputHeight) = await SafeImageDecoder.InspectAsync(bytes, decode.Value, cancellationToken);
            (width, height) = RefineUpscaleMode.OutputSize(request.TargetWidth, request.TargetHeight, inputWidth, inputHeight);
        }

        return new ComfyUIValues
        {
            Prompt = string.IsNullOrWhiteSpace(request.UpscalePrompt) ? null : request.UpscalePrompt,
            Seed = request.UpscaleSeed,
            Steps = request.UpscaleSteps,
            Denoise = request.UpscaleDenoise,
            UpscaleFactor = mode.Kind == RefineUpscaleKind.Factor ? mode.Factor : null,
            Width = width,
            Height = height,
            Images = [new ComfyUIImage(ComfyUIInjection.Image, "base_image_url", InputImages.DataUri(bytes))],
        };
    }

    private async Task<ComfyUIValues> FaceDetailAsync(RefineTaskPublic task, JobPart part, CancellationToken cancellationToken)
    {
        var request = TaskJson.ReadCreateRequest<CreateRefineTask>(task);
        return new ComfyUIValues
        {
            Prompt = string.IsNullOrWhiteSpace(request.FaceDetailPrompt) ? DefaultFaceDetailPrompt : request.FaceDetailPrompt,
            Seed = request.FaceDetailSeed,
            Steps = request.FaceDetailSteps,
            Denoise = request.FaceDetailDenoise,
            Images = [await ImageAsync(ComfyUIInjection.Image, "base_image_url", part.Source ?? StoredInput(task, "base_image_url"), cancellationToken)],
        };
    }

    private async Task<ComfyUIValues> DetailAsync(DetailEnhancerTaskPublic task, CancellationToken cancellationToken)
    {
        var what = string.IsNullOrWhiteSpace(task.DetailLabel) ? "fine details" : $"the details of the {task.DetailLabel.Trim()}";
        return new ComfyUIValues
        {
            Prompt = $"Recreate {what} of the reference image faithfully on the base image; keep everything else unchanged.",
            Images =
            [
                await ImageAsync(ComfyUIInjection.Image, "base_image", task.BaseImagePath, cancellationToken),
                await ImageAsync(ComfyUIInjection.ReferenceImage, "reference_image", task.ReferenceImagePath, cancellationToken),
            ],
        };
    }

    private async Task<ComfyUIImage> ImageAsync(string slot, string field, string? storedPath, CancellationToken cancellationToken) =>
        new(slot, field, await inputs.DataUriAsync(field, storedPath, cancellationToken));

    /// <summary>"tf-{task id}-{part stem}": uploaded names are unique per task and part, and stable across retries (uploaded with overwrite).</summary>
    public static string UploadStem(string taskId, JobPart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var safe = new StringBuilder();
        foreach (var c in taskId ?? string.Empty)
        {
            if (safe.Length >= 64)
            {
                break;
            }

            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return $"tf-{safe}-{part.BlobStem}";
    }

    private static string? StoredInput(TaskPublicBase task, string field)
    {
        string? stored = null;
        task.Internal.InputPaths?.TryGetValue(field, out stored);
        return stored;
    }

    private static ProviderException Invalid(string message) =>
        new(new ProviderFailure($"{ComfyUIErrors.ProviderName}: {message}", ErrorCategory.VALIDATION, false));
}
