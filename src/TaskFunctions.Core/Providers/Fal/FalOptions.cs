using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Providers.Fal;

/// <summary>The fal.ai queue provider (section <c>Providers:Fal</c>).</summary>
public sealed class FalOptions : IValidatableObject
{
    public const string SectionName = "Providers:Fal";

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

    public ProviderRetryOptions Retry { get; set; } = new();

    public ProviderPollingOptions Polling { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Providers:Fal:BaseUrl must be an absolute http(s) URL.", [nameof(BaseUrl)]);
        }

        foreach (var result in Nested(Retry, "Retry").Concat(Nested(Polling, "Polling")))
        {
            yield return result;
        }
    }

    private static IEnumerable<ValidationResult> Nested(object options, string name)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult($"Providers:Fal:{name}: {r.ErrorMessage}", r.MemberNames));
    }
}
