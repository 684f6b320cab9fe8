using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.ComfyUI;

/// <summary>The ComfyUI server provider (section <c>Providers:ComfyUI</c>).</summary>
public sealed class ComfyUIOptions : IValidatableObject, IProviderSettings
{
    public const string SectionName = "Providers:ComfyUI";

    ProviderType IProviderSettings.Type => ProviderType.COMFYUI;

    /// <summary>The ComfyUI server; trusted configuration (often on a private network, a local fake in tests).</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("http://127.0.0.1:8188");

    /// <summary>Optional; sent as <c>Authorization: Bearer …</c> (only to <see cref="BaseUrl"/>) for servers behind a gateway.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Timeout of one call (upload, prompt, history, queue, view, interrupt).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest response (an output file read through <c>/view</c>) the client buffers.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxResponseBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Named workflows in ComfyUI's API format (<c>{node_id: {class_type, inputs, _meta?:{title}}}</c>), each a file path
    /// (relative paths from the process's working directory) or the JSON itself. A task picks one with
    /// <c>provider_config.workflow_name</c>; an entry named after a task type (<c>Workflows:GENERATION</c>, ...) is that
    /// kind's default, <c>Workflows:FACE_ENHANCER</c> also of REFINE's face-detail pass.
    /// </summary>
    public Dictionary<string, string> Workflows { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// What the default workflow of each kind can do, by task type: comma-separated <see cref="ProviderCapability"/> names
    /// (e.g. <c>Providers:ComfyUI:Capabilities:REFINE</c>). The REFINE default assumes a workflow with
    /// <c>input_upscale_factor</c> and <c>input_width</c>/<c>input_height</c> nodes; narrow it to what yours does.
    /// </summary>
    public Dictionary<string, string> Capabilities { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(TaskType.REFINE)] = "UPSCALE_2X,UPSCALE_4X,UPSCALE_8X,UPSCALE_FLOAT,OUTPUT_SIZE",
    };

    public ProviderRetryOptions Retry { get; set; } = new();

    public ProviderPollingOptions Polling { get; set; } = new();

    /// <summary>The declared capabilities of the kind's default workflow (empty when none are declared).</summary>
    public IReadOnlyList<string> CapabilitiesOf(TaskType taskType) =>
        ProviderOptionsValidation.CapabilitiesOf(Capabilities, taskType);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in ProviderOptionsValidation.BaseUrl(BaseUrl, SectionName, "user info or query"))
        {
            yield return result;
        }

        foreach (var (name, value) in Workflows)
        {
            if (ComfyUIWorkflows.TryLoad(value, out _, out var error))
            {
                continue;
            }

            yield return new ValidationResult($"{SectionName}:Workflows:{name}: {error}", [nameof(Workflows)]);
        }

        foreach (var result in ProviderOptionsValidation.Capabilities(Capabilities, SectionName)
            .Concat(ProviderOptionsValidation.RetryAndPolling(Retry, Polling, SectionName)))
        {
            yield return result;
        }
    }
}
