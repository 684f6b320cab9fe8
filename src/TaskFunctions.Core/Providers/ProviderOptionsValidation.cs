using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>The validation every provider's options share: BaseUrl, the Capabilities map and the nested Retry/Polling options.</summary>
internal static class ProviderOptionsValidation
{
    /// <summary>
    /// <paramref name="baseUrl"/> must be an absolute http(s) URL. With <paramref name="without"/> (e.g. "query or user
    /// info") it must also carry neither a query nor user info, and the message names them.
    /// </summary>
    public static IEnumerable<ValidationResult> BaseUrl(Uri? baseUrl, string sectionName, string? without = null)
    {
        var valid = baseUrl is not null && baseUrl.IsAbsoluteUri
            && (baseUrl.Scheme == Uri.UriSchemeHttps || baseUrl.Scheme == Uri.UriSchemeHttp)
            && (without is null || (string.IsNullOrEmpty(baseUrl.Query) && string.IsNullOrEmpty(baseUrl.UserInfo)));
        if (!valid)
        {
            var suffix = without is null ? string.Empty : " without " + without;
            yield return new ValidationResult($"{sectionName}:BaseUrl must be an absolute http(s) URL{suffix}.", ["BaseUrl"]);
        }
    }

    /// <summary>Every key of <paramref name="capabilities"/> must be a task type and every listed name a <see cref="ProviderCapability"/>.</summary>
    public static IEnumerable<ValidationResult> Capabilities(IReadOnlyDictionary<string, string> capabilities, string sectionName)
    {
        foreach (var (kind, list) in capabilities)
        {
            if (!Enum.TryParse<TaskType>(kind, ignoreCase: false, out _))
            {
                yield return new ValidationResult($"{sectionName}:Capabilities:{kind}: not a task type.", ["Capabilities"]);
            }

            foreach (var name in SplitList(list))
            {
                if (!Enum.TryParse<ProviderCapability>(name, ignoreCase: false, out _))
                {
                    yield return new ValidationResult(
                        $"{sectionName}:Capabilities:{kind}: '{name}' is not one of {string.Join(", ", Enum.GetNames<ProviderCapability>())}.", ["Capabilities"]);
                }
            }
        }
    }

    /// <summary>The declared capabilities of <paramref name="taskType"/> (empty when none are declared).</summary>
    public static IReadOnlyList<string> CapabilitiesOf(IReadOnlyDictionary<string, string> capabilities, TaskType taskType) =>
        capabilities.TryGetValue(taskType.ToString(), out var list) && list is not null ? SplitList(list) : [];

    /// <summary>The data-annotation errors of the nested Retry and Polling options, prefixed with their section.</summary>
    public static IEnumerable<ValidationResult> RetryAndPolling(ProviderRetryOptions retry, ProviderPollingOptions polling, string sectionName) =>
        Nested(retry, sectionName, "Retry").Concat(Nested(polling, sectionName, "Polling"));

    private static string[] SplitList(string? list) =>
        (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IEnumerable<ValidationResult> Nested(object options, string sectionName, string name)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult($"{sectionName}:{name}: {r.ErrorMessage}", r.MemberNames));
    }
}
