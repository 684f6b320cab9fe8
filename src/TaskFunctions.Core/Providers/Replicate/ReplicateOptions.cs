using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.Replicate;

/// <summary>The Replicate predictions provider (section <c>Providers:Replicate</c>).</summary>
public sealed class ReplicateOptions : IValidatableObject, IProviderSettings
{
    public const string SectionName = "Providers:Replicate";

    ProviderType IProviderSettings.Type => ProviderType.REPLICATE;

    /// <summary>API host; trusted configuration (a local fake in tests). Only this host ever receives the token.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.replicate.com");

    /// <summary>Sent as <c>Authorization: Bearer …</c>; a Key Vault reference in Azure. Empty: REPLICATE tasks fail with AUTHENTICATION.</summary>
    public string? ApiToken { get; set; }

    /// <summary>Timeout of one API call (create, get, cancel).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The model of each kind (<c>Providers:Replicate:Models:{TaskType}</c>): <c>owner/name</c> (official models, run
    /// through <c>/v1/models/{owner}/{name}/predictions</c>) or <c>owner/name:version</c> (any model, run through
    /// <c>/v1/predictions</c>). REFINE's face-detail pass uses the FACE_ENHANCER model. A task's
    /// <c>provider_config.model</c> / <c>provider_config.version</c> override it. The default LLM is text-only: vision
    /// prompts (<c>input_images</c>) need a vision model in <c>provider_config.model</c>.
    /// </summary>
    public Dictionary<string, string> Models { get; set; } = DefaultModels();

    /// <summary>
    /// What the default model of each kind can do, by task type: comma-separated <see cref="ProviderCapability"/> names
    /// (e.g. <c>Providers:Replicate:Capabilities:REFINE</c>). Real-ESRGAN takes any scale up to 10; in OUTPUT_SIZE
    /// mode it is asked for the scale that covers the target and the local resize makes the size exact.
    /// </summary>
    public Dictionary<string, string> Capabilities { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(TaskType.REFINE)] = "UPSCALE_2X,UPSCALE_4X,UPSCALE_8X,UPSCALE_FLOAT,OUTPUT_SIZE",
    };

    public ProviderRetryOptions Retry { get; set; } = new();

    public ProviderPollingOptions Polling { get; set; } = new();

    /// <summary>The models used when configuration names none (community models pinned to a version).</summary>
    public static Dictionary<string, string> DefaultModels() => new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(TaskType.GENERATION)] = "black-forest-labs/flux-dev",
        [nameof(TaskType.EDITING)] = "black-forest-labs/flux-kontext-pro",
        [nameof(TaskType.REFINE)] = "nightmareai/real-esrgan:f121d640bd286e1fdc67f9799164c1d5be36ff74576ee11c803ae5b665dd46aa",
        [nameof(TaskType.VIDEO_GENERATION)] = "minimax/video-01",
        [nameof(TaskType.LLM_INTERACTION)] = "meta/meta-llama-3-8b-instruct",
        [nameof(TaskType.BACKGROUND_REMOVAL)] = "851-labs/background-remover:a029dff38972b5fda4ec5d75d7d1cd25aeff621d2cf4946a41055d7db66b80bc",
        [nameof(TaskType.DETAIL_ENHANCER)] = "flux-kontext-apps/multi-image-kontext-pro",
        [nameof(TaskType.FACE_ENHANCER)] = "sczhou/codeformer:7de2ea26c616d5bf2245ad0d5e24f0ff9a6204578a5c876db53142edd9d2cd56",
    };

    /// <summary>The configured model of <paramref name="taskType"/>, else its default; null when neither names one.</summary>
    public string? ModelOf(TaskType taskType) =>
        Models.TryGetValue(taskType.ToString(), out var model) && !string.IsNullOrWhiteSpace(model) ? model.Trim()
        : DefaultModels().TryGetValue(taskType.ToString(), out var fallback) ? fallback
        : null;

    /// <summary>The declared capabilities of the kind's default model (empty when none are declared).</summary>
    public IReadOnlyList<string> CapabilitiesOf(TaskType taskType) =>
        ProviderOptionsValidation.CapabilitiesOf(Capabilities, taskType);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in ProviderOptionsValidation.BaseUrl(BaseUrl, SectionName))
        {
            yield return result;
        }

        foreach (var (kind, model) in Models)
        {
            if (!Enum.TryParse<TaskType>(kind, ignoreCase: false, out _))
            {
                yield return new ValidationResult($"{SectionName}:Models:{kind}: not a task type.", [nameof(Models)]);
            }
            else if (!string.IsNullOrWhiteSpace(model) && !ReplicateModelRef.TryParse(model, out _))
            {
                yield return new ValidationResult($"{SectionName}:Models:{kind}: '{model}' is not owner/name or owner/name:version.", [nameof(Models)]);
            }
        }

        foreach (var result in ProviderOptionsValidation.Capabilities(Capabilities, SectionName)
            .Concat(ProviderOptionsValidation.RetryAndPolling(Retry, Polling, SectionName)))
        {
            yield return result;
        }
    }
}
