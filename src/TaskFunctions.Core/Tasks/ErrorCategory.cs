using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>Classification of a task failure; VALIDATION is never retried and never falls back.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ErrorCategory>))]
public enum ErrorCategory
{
    VALIDATION,
    AUTHENTICATION,
    RATE_LIMITED,
    PROVIDER_UNAVAILABLE,
    PROVIDER_ERROR,
    CONTENT_POLICY,
    TIMEOUT,
    CANCELLED,
    INTERNAL,
}
