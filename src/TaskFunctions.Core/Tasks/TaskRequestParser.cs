using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>
/// Validates create and update bodies the way FastAPI/pydantic v2 does, collecting every problem as a
/// <see cref="ValidationErrorItem"/> (<c>loc</c> starts with "body"), then deserializes the valid body once.
/// </summary>
/// <remarks>
/// Checks are data-driven: types, nullability and constraints come from each model's JSON contract and its
/// attributes (<c>[Required]</c>, <c>[Range]</c>, <c>[AllowedValues]</c>, <c>[Length]</c>, <c>[RegularExpression]</c>,
/// <see cref="HttpUrlAttribute"/>); cross-field rules come from <see cref="CreateTaskBase.ValidateRules"/>.
/// Type checks are strict except that an integral number (5.0) is accepted for an integer, as pydantic does.
/// </remarks>
public static class TaskRequestParser
{
    private const string Discriminator = "task_type";

    /// <summary>Parses a create body; <paramref name="requiredType"/> pins the kind (POST /tasks/generation).</summary>
    public static ParseResult<CreateTaskBase> ParseCreate(ReadOnlySpan<byte> utf8Json, TaskType? requiredType = null)
    {
        if (!TryParseDocument(utf8Json, out var document, out var jsonError, out var unicodeErrors))
        {
            return ParseResult<CreateTaskBase>.Failure(unicodeErrors ?? [jsonError]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ParseResult<CreateTaskBase>.Failure([NotAnObject()]);
            }

            var properties = LastWins(root);
            var errors = new List<ValidationErrorItem>();
            TaskType kind;
            properties.TryGetValue(Discriminator, out var tag);
            var hasTag = tag.ValueKind is not JsonValueKind.Undefined;
            if (requiredType is { } required)
            {
                kind = required;
                if (hasTag && !(tag.ValueKind == JsonValueKind.String && tag.GetString() == required.ToString()))
                {
                    errors.Add(ValidationErrorItem.Body($"Input should be '{required}'", "literal_error", Discriminator));
                }
            }
            else if (!hasTag || tag.ValueKind == JsonValueKind.Null)
            {
                return ParseResult<CreateTaskBase>.Failure([ValidationErrorItem.Body(
                    $"Unable to extract tag using discriminator '{Discriminator}'", "union_tag_not_found")]);
            }
            else if (!TryParseKind(tag, out kind))
            {
                var text = tag.ValueKind == JsonValueKind.String ? tag.GetString() : tag.GetRawText();
                var expected = string.Join(", ", TaskKinds.All.Select(k => $"'{k}'"));
                return ParseResult<CreateTaskBase>.Failure([ValidationErrorItem.Body(
                    $"Input tag '{text}' found using '{Discriminator}' does not match any of the expected tags: {expected}",
                    "union_tag_invalid")]);
            }

            var type = TaskKinds.CreateType(kind);
            var normalized = CheckObject(properties, type, forbidExtra: false, errors, out _);
            if (errors.Count > 0)
            {
                return ParseResult<CreateTaskBase>.Failure(errors);
            }

            var request = (CreateTaskBase)normalized.Deserialize(type, TaskJson.Storage)!;
            var ruleErrors = request.ValidateRules().ToList();
            return ruleErrors.Count > 0
                ? ParseResult<CreateTaskBase>.Failure(ruleErrors)
                : ParseResult<CreateTaskBase>.Success(request);
        }
    }

    /// <summary>
    /// Parses a PUT body against the kind's <c>*PublicUpdate</c> schema, or <see cref="GenerationTaskUpdate"/>
    /// for the <see cref="TaskRouteFamily.Generation"/> routes (PUT /tasks/generation/{id}, GENERATION tasks only).
    /// Unknown fields are rejected (<c>extra_forbidden</c>); the result records which fields were present.
    /// </summary>
    public static ParseResult<TaskUpdateBase> ParseUpdate(TaskType kind, ReadOnlySpan<byte> utf8Json, TaskRouteFamily family)
    {
        var generationRoute = family == TaskRouteFamily.Generation;
        if (generationRoute && kind != TaskType.GENERATION)
        {
            throw new ArgumentException("The generation route updates GENERATION tasks only.", nameof(kind));
        }

        var type = generationRoute ? typeof(GenerationTaskUpdate) : TaskKinds.PublicUpdateType(kind);
        if (!TryParseDocument(utf8Json, out var document, out var jsonError, out var unicodeErrors))
        {
            return ParseResult<TaskUpdateBase>.Failure(unicodeErrors ?? [jsonError]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ParseResult<TaskUpdateBase>.Failure([NotAnObject()]);
            }

            var errors = new List<ValidationErrorItem>();
            var normalized = CheckObject(LastWins(document.RootElement), type, forbidExtra: true, errors, out var present);
            if (errors.Count > 0)
            {
                return ParseResult<TaskUpdateBase>.Failure(errors);
            }

            var update = (TaskUpdateBase)normalized.Deserialize(type, TaskJson.Storage)!;
            update.MarkPresent(present);
            return ParseResult<TaskUpdateBase>.Success(update);
        }
    }

    private static bool TryParseKind(JsonElement tag, out TaskType kind)
    {
        kind = default;
        if (tag.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var text = tag.GetString();
        foreach (var candidate in TaskKinds.All)
        {
            if (candidate.ToString() == text)
            {
                kind = candidate;
                return true;
            }
        }

        return false;
    }

    private static ValidationErrorItem NotAnObject() =>
        ValidationErrorItem.Body("Input should be a valid dictionary or object to extract fields from", "model_attributes_type");

    /// <summary>Deepest JSON nesting a body may have (the stored document nests a request two levels deeper).</summary>
    public const int MaxDepth = 32;

    private const int MaxUnicodeErrors = 10;

    /// <summary>
    /// Parses a body as FastAPI would see it: empty is a missing body, invalid UTF-8 (overlong forms, 5-byte
    /// sequences, encoded surrogates, stray bytes, in keys or values) and over-deep nesting are <c>json_invalid</c>,
    /// and strings or keys whose escapes decode to lone surrogates are <c>string_unicode</c> at their path.
    /// </summary>
    private static bool TryParseDocument(ReadOnlySpan<byte> utf8Json, out JsonDocument document, out ValidationErrorItem error, out List<ValidationErrorItem>? unicodeErrors)
    {
        document = null!;
        unicodeErrors = null;
        if (utf8Json.IsEmpty)
        {
            error = new ValidationErrorItem(["body"], "Field required", "missing");
            return false;
        }

        if (FirstInvalidUtf8(utf8Json) is { } badByte)
        {
            error = ValidationErrorItem.Body("JSON decode error", "json_invalid", badByte);
            return false;
        }

        var bytes = utf8Json.ToArray();
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            error = ValidationErrorItem.Body("JSON decode error", "json_invalid", ErrorOffset(bytes, ex));
            return false;
        }

        var found = new List<ValidationErrorItem>();
        FindLoneSurrogates(document.RootElement, [], found);
        if (found.Count > 0)
        {
            document.Dispose();
            document = null!;
            unicodeErrors = found;
            error = found[0];
            return false;
        }

        error = null!;
        return true;
    }

    /// <summary>Offset of the first byte that is not part of a well-formed UTF-8 sequence, or null.</summary>
    private static long? FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return null;
        }

        var offset = 0;
        while (offset < utf8.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return utf8.Length;
    }

    /// <summary>
    /// Escaped strings (<c>"\ud800"</c>) can name code points UTF-8 cannot carry; only escaped tokens need decoding,
    /// since unescaped ones were already checked as UTF-8.
    /// </summary>
    private static void FindLoneSurrogates(JsonElement element, List<object> path, List<ValidationErrorItem> errors)
    {
        if (errors.Count >= MaxUnicodeErrors)
        {
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = member.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        errors.Add(ValidationErrorItem.Body("Input should be a valid string, unable to parse raw data as a unicode string", "string_unicode", [.. path, "[key]"]));
                        continue;
                    }

                    path.Add(name);
                    FindLoneSurrogates(member.Value, path, errors);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    path.Add(index++);
                    FindLoneSurrogates(item, path, errors);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case JsonValueKind.String:
                if (System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).IndexOf((byte)'\\') >= 0)
                {
                    try
                    {
                        _ = element.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        errors.Add(ValidationErrorItem.Body("Input should be a valid string, unable to parse raw data as a unicode string", "string_unicode", [.. path]));
                    }
                }

                break;
        }
    }

    /// <summary>Absolute byte offset of a reader error (the exception only gives line and position in line).</summary>
    private static long ErrorOffset(byte[] bytes, JsonException ex)
    {
        long line = ex.LineNumber ?? 0;
        long offset = 0;
        while (line > 0 && offset < bytes.Length)
        {
            if (bytes[offset++] == (byte)'\n')
            {
                line--;
            }
        }

        return Math.Min(offset + (ex.BytePositionInLine ?? 0), bytes.Length);
    }

    /// <summary>Object members by name; a repeated name keeps its last value, as Python's json does.</summary>
    private static Dictionary<string, JsonElement> LastWins(JsonElement element)
    {
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            members[member.Name] = member.Value;
        }

        return members;
    }

    private static JsonObject CheckObject(
        Dictionary<string, JsonElement> members, Type modelType, bool forbidExtra, List<ValidationErrorItem> errors, out List<string> present)
    {
        var normalized = new JsonObject();
        present = [];
        var specs = FieldSpec.For(modelType);
        foreach (var spec in specs)
        {
            if (members.TryGetValue(spec.Name, out var value))
            {
                present.Add(spec.Name);
                normalized[spec.Name] = CheckField(spec, value, errors);
            }
            else if (spec.Required)
            {
                errors.Add(ValidationErrorItem.Body("Field required", "missing", spec.Name));
            }
        }

        if (forbidExtra)
        {
            foreach (var name in members.Keys.Where(n => !specs.Any(s => s.Name == n)))
            {
                errors.Add(ValidationErrorItem.Body("Extra inputs are not permitted", "extra_forbidden", name));
            }
        }

        return normalized;
    }

    private static JsonNode? CheckField(FieldSpec spec, JsonElement value, List<ValidationErrorItem> errors)
    {
        if (value.ValueKind == JsonValueKind.Null && spec.AcceptsNull)
        {
            return null;
        }

        var path = new List<object> { spec.Name };
        var node = CheckValue(spec.ValueType, value, path, errors);
        if (node is null)
        {
            return null;
        }

        var before = errors.Count;
        CheckConstraints(spec, node, path, errors);
        return errors.Count == before ? node : null;
    }

    /// <summary>Checks the JSON type of one value; returns its normalized node, or null after adding an error.</summary>
    private static JsonNode? CheckValue(Type type, JsonElement value, List<object> path, List<ValidationErrorItem> errors)
    {
        if (type == typeof(JsonNode))
        {
            return ToNode(value);
        }

        if (type == typeof(JsonObject))
        {
            return value.ValueKind == JsonValueKind.Object
                ? ToNode(value)
                : Fail(errors, path, "Input should be a valid dictionary", "dict_type");
        }

        if (type == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String
                ? JsonValue.Create(value.GetString())
                : Fail(errors, path, "Input should be a valid string", "string_type");
        }

        if (type == typeof(bool))
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? JsonValue.Create(value.GetBoolean())
                : Fail(errors, path, "Input should be a valid boolean", "bool_type");
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return CheckInteger(type, value, path, errors);
        }

        if (type == typeof(double))
        {
            if (value.ValueKind != JsonValueKind.Number)
            {
                return Fail(errors, path, "Input should be a valid number", "float_type");
            }

            // 1e400 reads as infinity, which JSON (and the stored document) cannot hold.
            var real = value.GetDouble();
            return double.IsFinite(real)
                ? JsonValue.Create(real)
                : Fail(errors, path, "Input should be a finite number", "finite_number");
        }

        if (type == typeof(DateTimeOffset))
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                return Fail(errors, path, "Input should be a valid datetime", "datetime_type");
            }

            return UtcDateTimeOffsetConverter.TryParse(value.GetString(), out var parsed)
                ? JsonValue.Create(parsed.ToString(UtcDateTimeOffsetConverter.Format, CultureInfo.InvariantCulture))
                : Fail(errors, path, "Input should be a valid datetime or date, invalid character in year", "datetime_from_date_parsing");
        }

        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            return value.ValueKind == JsonValueKind.String && names.Contains(value.GetString(), StringComparer.Ordinal)
                ? JsonValue.Create(value.GetString())
                : Fail(errors, path, "Input should be " + QuoteChoices(names), "enum");
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return Fail(errors, path, "Input should be a valid list", "list_type");
            }

            var itemType = type.GetGenericArguments()[0];
            var array = new JsonArray();
            var index = 0;
            var valid = true;
            foreach (var item in value.EnumerateArray())
            {
                var itemNode = CheckValue(itemType, item, [.. path, index++], errors);
                valid &= itemNode is not null;
                array.Add(itemNode);
            }

            return valid ? array : null;
        }

        throw new NotSupportedException($"No request validation for field type {type}.");
    }

    private static JsonNode? CheckInteger(Type type, JsonElement value, List<object> path, List<ValidationErrorItem> errors)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return Fail(errors, path, "Input should be a valid integer", "int_type");
        }

        if (!value.TryGetInt64(out var number))
        {
            // Exact first: a double cannot tell 2^63 (out of range) from long.MaxValue (9223372036854775807).
            if (value.TryGetDecimal(out var exact))
            {
                if (exact != decimal.Truncate(exact))
                {
                    return Fail(errors, path, "Input should be a valid integer, got a number with a fractional part", "int_from_float");
                }

                if (exact > long.MaxValue)
                {
                    return Fail(errors, path, $"Input should be less than or equal to {long.MaxValue}", "less_than_equal");
                }

                if (exact < long.MinValue)
                {
                    return Fail(errors, path, $"Input should be greater than or equal to {long.MinValue}", "greater_than_equal");
                }

                number = (long)exact;
            }
            else
            {
                // Beyond decimal's range (about 7.9e28): no int64 there, whatever the digits.
                var real = value.GetDouble();
                if (!double.IsInfinity(real) && real != Math.Floor(real))
                {
                    return Fail(errors, path, "Input should be a valid integer, got a number with a fractional part", "int_from_float");
                }

                return real > 0
                    ? Fail(errors, path, $"Input should be less than or equal to {long.MaxValue}", "less_than_equal")
                    : Fail(errors, path, $"Input should be greater than or equal to {long.MinValue}", "greater_than_equal");
            }
        }

        if (type == typeof(int) && number > int.MaxValue)
        {
            return Fail(errors, path, $"Input should be less than or equal to {int.MaxValue}", "less_than_equal");
        }

        if (type == typeof(int) && number < int.MinValue)
        {
            return Fail(errors, path, $"Input should be greater than or equal to {int.MinValue}", "greater_than_equal");
        }

        return JsonValue.Create(number);
    }

    private static void CheckConstraints(FieldSpec spec, JsonNode node, List<object> path, List<ValidationErrorItem> errors)
    {
        if (spec.Range is { } range && node is JsonValue number && AsDouble(number) is { } d)
        {
            CheckRange(range, d, path, errors);
        }

        if (node is JsonArray list)
        {
            if (spec.MinLength is { } min && list.Count < min)
            {
                errors.Add(At(path, $"List should have at least {min} item{Plural(min)} after validation, not {list.Count}", "too_short"));
            }

            if (spec.MaxLength is { } max && max >= 0 && list.Count > max)
            {
                errors.Add(At(path, $"List should have at most {max} item{Plural(max)} after validation, not {list.Count}", "too_long"));
            }
        }

        if (node is JsonValue text && text.TryGetValue<string>(out var s) && spec.ValueType == typeof(string))
        {
            CheckString(spec, s, path, errors);
        }
    }

    private static double? AsDouble(JsonValue value) =>
        value.TryGetValue<long>(out var l) ? l : value.TryGetValue<double>(out var d) ? d : null;

    private static void CheckString(FieldSpec spec, string s, List<object> path, List<ValidationErrorItem> errors)
    {
        if (spec.MinLength is { } min && s.Length < min)
        {
            errors.Add(At(path, $"String should have at least {min} character{Plural(min)}", "string_too_short"));
            return;
        }

        if (spec.MaxLength is { } max && max >= 0 && s.Length > max)
        {
            errors.Add(At(path, $"String should have at most {max} character{Plural(max)}", "string_too_long"));
            return;
        }

        if (spec.Pattern is not null && !spec.Pattern.IsMatch(s))
        {
            errors.Add(At(path, $"String should match pattern '{spec.PatternText}'", "string_pattern_mismatch"));
            return;
        }

        if (spec.AllowedValues is { } allowed && !allowed.Contains(s, StringComparer.Ordinal))
        {
            errors.Add(At(path, "Input should be " + QuoteChoices(allowed), "enum"));
            return;
        }

        if (spec.HttpUrl)
        {
            CheckHttpUrl(s, path, errors);
        }
    }

    private static void CheckHttpUrl(string s, List<object> path, List<ValidationErrorItem> errors)
    {
        if (!Uri.TryCreate(s, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add(At(path, "Input should be a valid URL, relative URL without a base", "url_parsing"));
        }
        else if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add(At(path, "URL scheme should be 'http' or 'https'", "url_scheme"));
        }
    }

    private static void CheckRange(System.ComponentModel.DataAnnotations.RangeAttribute range, double value, List<object> path, List<ValidationErrorItem> errors)
    {
        var isInt = range.OperandType == typeof(int);
        var min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
        var max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        if (range.MinimumIsExclusive ? value <= min : value < min)
        {
            errors.Add(range.MinimumIsExclusive
                ? At(path, $"Input should be greater than {FormatBound(min, isInt)}", "greater_than")
                : At(path, $"Input should be greater than or equal to {FormatBound(min, isInt)}", "greater_than_equal"));
        }
        else if (max < double.MaxValue && max < int.MaxValue && (range.MaximumIsExclusive ? value >= max : value > max))
        {
            errors.Add(range.MaximumIsExclusive
                ? At(path, $"Input should be less than {FormatBound(max, isInt)}", "less_than")
                : At(path, $"Input should be less than or equal to {FormatBound(max, isInt)}", "less_than_equal"));
        }
    }

    /// <summary>Bounds print as pydantic prints them: ints plainly, floats in Python repr (<c>0.0</c>, <c>0.005</c>).</summary>
    private static string FormatBound(double bound, bool isInt)
    {
        if (isInt)
        {
            return ((long)bound).ToString(CultureInfo.InvariantCulture);
        }

        var text = bound.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string QuoteChoices(IReadOnlyList<string> choices) =>
        choices.Count == 1
            ? $"'{choices[0]}'"
            : string.Join(", ", choices.Take(choices.Count - 1).Select(c => $"'{c}'")) + $" or '{choices[^1]}'";

    private static string Plural(int count) => count == 1 ? "" : "s";

    private static JsonNode? Fail(List<ValidationErrorItem> errors, List<object> path, string msg, string type)
    {
        errors.Add(At(path, msg, type));
        return null;
    }

    private static ValidationErrorItem At(List<object> path, string msg, string type) =>
        ValidationErrorItem.Body(msg, type, [.. path]);

    /// <summary>Copies an element into a node, keeping the last of repeated member names.</summary>
    private static JsonNode? ToNode(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var member in value.EnumerateObject())
                {
                    obj[member.Name] = ToNode(member.Value);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in value.EnumerateArray())
                {
                    array.Add(ToNode(item));
                }

                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(value.Clone());
        }
    }
}
