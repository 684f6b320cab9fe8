using System.Globalization;
using Microsoft.AspNetCore.Http;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Api;

/// <summary>
/// The optional <c>Idempotency-Key</c> header of a create: 1–255 visible ASCII characters (0x21–0x7E), given once.
/// Anything else is a 422 at <c>["header", "idempotency-key"]</c>, as FastAPI locates header parameters.
/// </summary>
public static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";

    public const int MaxLength = 255;

    /// <summary>The header on a replayed answer, as other APIs with idempotency keys name it.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    /// <summary>FastAPI's location of a header parameter: lower case, dashes kept.</summary>
    public static IReadOnlyList<object> Location { get; } = ["header", "idempotency-key"];

    /// <summary>The key when the header is present and valid, null when absent; or the 422 entry explaining why not.</summary>
    public static (string? Key, ValidationErrorItem? Error) Read(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.TryGetValue(HeaderName, out var values))
        {
            return (null, null);
        }

        if (values.Count > 1)
        {
            return (null, new ValidationErrorItem(Location, $"{HeaderName} must be sent once", "value_error"));
        }

        var key = values.ToString();
        var error = Validate(key);
        return error is null ? (key, null) : (null, error);
    }

    /// <summary>Null when <paramref name="value"/> is a valid key, else the 422 entry.</summary>
    public static ValidationErrorItem? Validate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return new ValidationErrorItem(Location, "String should have at least 1 character", "string_too_short");
        }

        if (value.Length > MaxLength)
        {
            return new ValidationErrorItem(Location, $"String should have at most {MaxLength} characters", "string_too_long");
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] is < '!' or > '~')
            {
                return new ValidationErrorItem(
                    Location,
                    string.Create(CultureInfo.InvariantCulture, $"{HeaderName} may hold only visible ASCII characters (0x21-0x7E); character {i} is U+{(int)value[i]:X4}"),
                    "string_pattern_mismatch");
            }
        }

        return null;
    }
}
