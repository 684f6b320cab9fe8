using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>The fal.ai queue provider (section <c>Providers:Fal</c>).</summary>
public sealed class FalOptions : IValidatableObject, IProviderSettings
{
    public const string SectionName = "Providers:Fal";

    ProviderType IProviderSettings.Type => ProviderType.FAL;

    /// <summary>Queue host; trusted configuration (a local fake in tests).</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://queue.fal.run");

    /// <summary>Sent as <c>Authorization: Key …</c>; a Key Vault reference in Azure. Empty: FAL tasks fail with AUTHENTICATION.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Timeout of one queue API call (submit, status, result, cancel).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sent as <c>x-fal-request-timeout</c>: how long a job may wait in fal's queue before it starts. Null: fal's default.</summary>
    public TimeSpan? StartTimeout { get; set; }

    /// <summary>App used for GENERATION when the task names none.</summary>
    [Required]
    public string GenerationAppId { get; set; } = "fal-ai/flux/dev";

    /// <summary>App used for EDITING when the task names none.</summary>
    [Required]
    public string EditingAppId { get; set; } = "fal-ai/flux-pro/kontext";

    /// <summary>App used for REFINE when the task names none.</summary>
    [Required]
    public string RefineAppId { get; set; } = "fal-ai/clarity-upscaler";

    /// <summary>Text-to-video app (VIDEO_GENERATION without an input image).</summary>
    [Required]
    public string VideoAppId { get; set; } = "fal-ai/kling-video/v2.1/standard/text-to-video";

    /// <summary>Image-to-video app (VIDEO_GENERATION with <c>input_image_data</c> / <c>input_image_url</c>).</summary>
    [Required]
    public string ImageToVideoAppId { get; set; } = "fal-ai/kling-video/v2.1/standard/image-to-video";

    /// <summary>LLM app (LLM_INTERACTION without images); <c>provider_config.model</c> picks the model it routes to.</summary>
    [Required]
    public string LlmAppId { get; set; } = "fal-ai/any-llm";

    /// <summary>Vision LLM app (LLM_INTERACTION with <c>input_images</c>).</summary>
    [Required]
    public string VisionLlmAppId { get; set; } = "fal-ai/any-llm/vision";

    /// <summary>Background-removal app: BACKGROUND_REMOVAL, and the person mask of BACKGROUND_FIX on photos without alpha.</summary>
    [Required]
    public string BackgroundRemovalAppId { get; set; } = "fal-ai/birefnet/v2";

    /// <summary>Multi-image edit app that carries a reference's detail onto the base image (DETAIL_ENHANCER).</summary>
    [Required]
    public string DetailEnhancerAppId { get; set; } = "fal-ai/flux-pro/kontext/max/multi";

    /// <summary>Face restoration app (FACE_ENHANCER), one job per quality-loop attempt.</summary>
    [Required]
    public string FaceEnhancerAppId { get; set; } = "fal-ai/codeformer";

    /// <summary>Image-to-image app of REFINE's face-detail pass (<c>face_detail_*</c> fields).</summary>
    [Required]
    public string FaceDetailAppId { get; set; } = "fal-ai/flux/dev/image-to-image";

    /// <summary>
    /// What the default app of each kind can do, by task type: comma-separated <see cref="ProviderCapability"/> names
    /// (e.g. <c>Providers:Fal:Capabilities:REFINE</c>). Used when a task states no capabilities of its own.
    /// </summary>
    public Dictionary<string, string> Capabilities { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(TaskType.REFINE)] = "UPSCALE_2X,UPSCALE_4X,UPSCALE_FLOAT,OUTPUT_SIZE",
    };

    /// <summary>The declared capabilities of the kind's default app (empty when none are declared).</summary>
    public IReadOnlyList<string> CapabilitiesOf(TaskType taskType) =>
        ProviderOptionsValidation.CapabilitiesOf(Capabilities, taskType);

    public ProviderRetryOptions Retry { get; set; } = new();

    public ProviderPollingOptions Polling { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in ProviderOptionsValidation.BaseUrl(BaseUrl, SectionName))
        {
            yield return result;
        }

        foreach (var result in ProviderOptionsValidation.Capabilities(Capabilities, SectionName)
            .Concat(ProviderOptionsValidation.RetryAndPolling(Retry, Polling, SectionName)))
        {
            yield return result;
        }
    }
}
