using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Api;

/// <summary>
/// SHA-256 of the canonical form of a parsed create request, so an Idempotency-Key retry is recognised by what it asks
/// for rather than by its bytes.
/// </summary>
/// <remarks>
/// The canonical form is the request as the parser understood it (defaults filled in, ignored server-owned fields
/// dropped, duplicate keys resolved, deprecated fields mapped), serialized, with every object's keys sorted (ordinal),
/// no whitespace, strings re-escaped one way and numbers written one way (integers as integers, other finite numbers
/// by their shortest round-trip form). Key order, formatting, escapes and omitted defaults therefore never matter; any
/// difference in a value does. The route adds nothing: the request's <c>task_type</c> is part of it.
/// </remarks>
public static class RequestFingerprint
{
    private const int FlushBytes = 64 * 1024;

    /// <summary>Lower-case hex SHA-256 of the canonical JSON of <paramref name="request"/>.</summary>
    public static string Of(CreateTaskBase request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var json = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), TaskJson.Storage);
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new ArrayBufferWriter<byte>(FlushBytes);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = 256 }))
        {
            Write(writer, document.RootElement, buffer, hash);
            writer.Flush();
        }

        hash.AppendData(buffer.WrittenSpan);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, ArrayBufferWriter<byte> buffer, IncrementalHash hash)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, buffer, hash);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, buffer, hash);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                writer.WriteNumberValue(integer);
                break;
            case JsonValueKind.Number when element.TryGetDouble(out var number) && double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            default:
                // true, false, null, and numbers beyond double's range as written.
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
        }

        // Large values (inline images) pass through the hash in pieces rather than piling up in the buffer.
        if (writer.BytesPending + buffer.WrittenCount >= FlushBytes)
        {
            writer.Flush();
            hash.AppendData(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
        }
    }
}
