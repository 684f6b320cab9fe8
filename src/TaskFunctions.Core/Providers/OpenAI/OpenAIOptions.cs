using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.OpenAI;

/// <summary>
/// The OpenAI-compatible provider (section <c>Providers:OpenAI</c>): chat completions for LLM_INTERACTION and the
/// images API for GENERATION and EDITING, against api.openai.com, a compatible server, or Azure OpenAI.
/// </summary>
public sealed class OpenAIOptions : IValidatableObject, IProviderSettings
{
    public const string SectionName = "Providers:OpenAI";

    /// <summary><see cref="Mode"/> value: OpenAI's own API (and compatible servers), <c>Authorization: Bearer</c>.</summary>
    public const string OpenAIMode = "openai";

    /// <summary><see cref="Mode"/> value: Azure OpenAI, <c>api-key</c> header, deployments in the path, <c>?api-version=</c>.</summary>
    public const string AzureMode = "azure";

    ProviderType IProviderSettings.Type => ProviderType.OPENAI;

    /// <summary>
    /// API root; trusted configuration (a local fake in tests). OpenAI mode: the <c>/v1</c> root, calls go to
    /// <c>{BaseUrl}/chat/completions</c> etc. Azure mode: the resource endpoint, calls go to
    /// <c>{BaseUrl}/openai/deployments/{model}/chat/completions?api-version={ApiVersion}</c>.
    /// </summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.openai.com/v1");

    /// <summary>Sent as <c>Authorization: Bearer …</c> (or <c>api-key</c> in Azure mode), only to BaseUrl's host. Empty: OPENAI tasks fail with AUTHENTICATION.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>openai</c> (default) or <c>azure</c>.</summary>
    [Required]
    public string Mode { get; set; } = OpenAIMode;

    /// <summary>Azure OpenAI's <c>api-version</c> query value; required in Azure mode, unused otherwise.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Timeout of one call (the whole synchronous generation); well inside the activity's own limit.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:09:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Model (Azure: deployment name) of each kind by task type (e.g. <c>Providers:OpenAI:Models:GENERATION</c>), used
    /// when the task's <c>provider_config.model</c> names none.
    /// </summary>
    public Dictionary<string, string> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(TaskType.LLM_INTERACTION)] = "gpt-4o-mini",
        [nameof(TaskType.GENERATION)] = "gpt-image-1",
        [nameof(TaskType.EDITING)] = "gpt-image-1",
    };

    /// <summary>What the default model of each kind can do, by task type: comma-separated <see cref="ProviderCapability"/> names. None by default.</summary>
    public Dictionary<string, string> Capabilities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ProviderRetryOptions Retry { get; set; } = new();

    /// <summary>Unused (calls are synchronous); present because every provider's settings carry one.</summary>
    public ProviderPollingOptions Polling { get; set; } = new();

    /// <summary>Whether <see cref="Mode"/> is Azure OpenAI.</summary>
    public bool UsesAzure() => string.Equals(Mode?.Trim(), AzureMode, StringComparison.OrdinalIgnoreCase);

    /// <summary>The configured model of <paramref name="taskType"/>; null when none is configured.</summary>
    public string? ModelOf(TaskType taskType) =>
        Models.TryGetValue(taskType.ToString(), out var model) && !string.IsNullOrWhiteSpace(model) ? model.Trim() : null;

    public IReadOnlyList<string> CapabilitiesOf(TaskType taskType) =>
        ProviderOptionsValidation.CapabilitiesOf(Capabilities, taskType);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in ProviderOptionsValidation.BaseUrl(BaseUrl, SectionName, "query or user info"))
        {
            yield return result;
        }

        var mode = Mode?.Trim();
        if (!string.Equals(mode, OpenAIMode, StringComparison.OrdinalIgnoreCase) && !string.Equals(mode, AzureMode, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"{SectionName}:Mode must be '{OpenAIMode}' or '{AzureMode}'.", [nameof(Mode)]);
        }

        if (UsesAzure() && string.IsNullOrWhiteSpace(ApiVersion))
        {
            yield return new ValidationResult($"{SectionName}:ApiVersion is required when Mode is '{AzureMode}'.", [nameof(ApiVersion)]);
        }

        foreach (var kind in new[] { TaskType.LLM_INTERACTION, TaskType.GENERATION, TaskType.EDITING })
        {
            if (ModelOf(kind) is null)
            {
                yield return new ValidationResult($"{SectionName}:Models:{kind} must name a model.", [nameof(Models)]);
            }
        }

        foreach (var result in ProviderOptionsValidation.Capabilities(Capabilities, SectionName)
            .Concat(ProviderOptionsValidation.RetryAndPolling(Retry, Polling, SectionName)))
        {
            yield return result;
        }
    }
}
