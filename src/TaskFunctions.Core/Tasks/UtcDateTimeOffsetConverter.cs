using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>Writes timestamps as ISO-8601 UTC with microseconds and <c>Z</c>; reads any ISO-8601 form (no offset = UTC).</summary>
internal sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return TryParse(text, out var value) ? value : throw new JsonException($"Invalid datetime '{text}'.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));

    /// <summary>Parses ISO-8601 text; a value without an offset is taken as UTC, as the Python service stored naive UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value)
        && text!.Length >= 10 && text[4] == '-';
}
