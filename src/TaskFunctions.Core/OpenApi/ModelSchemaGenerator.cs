using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.OpenApi;

/// <summary>Builds <c>components.schemas</c> from the model types through a serializer's own JSON contract.</summary>
/// <remarks>
/// Wire names, the property set and enum values all come from the serializer (<see cref="TaskJson.Api"/>), so the
/// document describes what the service actually writes; constraints come from the same attributes
/// <see cref="TaskRequestParser"/> enforces. A CLR type without a mapping throws rather than being described
/// loosely, so a new field can never silently fall out of the document.
/// </remarks>
internal sealed class ModelSchemaGenerator(JsonSerializerOptions options)
{
    private const string SchemaPrefix = "#/components/schemas/";

    private static readonly Dictionary<Type, string> RenamedComponents = new()
    {
        // Named TaskState in C# only to avoid System.Threading.Tasks.TaskStatus; the contract calls it TaskStatus.
        [typeof(TaskState)] = "TaskStatus",
        [typeof(ValidationErrorItem)] = "ValidationError",
    };

    private readonly SortedDictionary<string, JsonObject> _schemas = new(StringComparer.Ordinal);
    private readonly HashSet<Type> _enums = [];
    private readonly NullabilityInfoContext _nullability = new();

    /// <summary>The component name of a model type.</summary>
    public static string ComponentName(Type type) =>
        RenamedComponents.TryGetValue(type, out var name) ? name : type.Name;

    /// <summary>A fresh <c>$ref</c> to a component (nodes cannot be shared between parents).</summary>
    public static JsonObject Ref(string component) => new() { ["$ref"] = SchemaPrefix + component };

    /// <summary>A fresh <c>$ref</c> to the component of a model type.</summary>
    public static JsonObject Ref(Type type) => Ref(ComponentName(type));

    /// <summary>Adds the object schema of <paramref name="type"/>, described for its wire role.</summary>
    public void AddObject(Type type, SchemaRole role)
    {
        var typeInfo = options.GetTypeInfo(type);
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            throw new ArgumentException($"{type} is not serialized as a JSON object.", nameof(type));
        }

        // An instance supplies what only the model knows at run time: the fixed task_type and field defaults.
        var sample = type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(type);
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in typeInfo.Properties.OrderBy(p => p.Order))
        {
            // The contract still lists [JsonIgnore] members (bookkeeping such as present_fields); like FieldSpec, skip them.
            if (property.AttributeProvider?.IsDefined(typeof(JsonIgnoreAttribute), inherit: true) == true)
            {
                continue;
            }

            var member = property.AttributeProvider as PropertyInfo;
            var isRequired = role switch
            {
                SchemaRole.Create => member?.IsDefined(typeof(RequiredAttribute), inherit: true) == true,
                SchemaRole.Response => AlwaysWritten(property),
                _ => false,
            };
            properties[property.Name] = PropertySchema(property, member, sample, role == SchemaRole.Create && !isRequired);
            if (isRequired)
            {
                required.Add(property.Name);
            }
        }

        var name = ComponentName(type);
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["title"] = name,
            ["properties"] = properties,
        };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        _schemas[name] = schema;
    }

    /// <summary>Adds a string enum schema whose values are the serializer's names of the members.</summary>
    public void AddEnum(Type enumType)
    {
        if (!enumType.IsEnum)
        {
            throw new ArgumentException($"{enumType} is not an enum.", nameof(enumType));
        }

        _enums.Add(enumType);
    }

    /// <summary>Adds a schema with no model type behind it.</summary>
    public void Add(string name, JsonObject schema) => _schemas[name] = schema;

    /// <summary>A schema added earlier, to adjust what the CLR type cannot express.</summary>
    public JsonObject Get(string name) => _schemas[name];

    /// <summary>Every schema, enums referenced by properties included, sorted by name.</summary>
    public JsonObject Build()
    {
        foreach (var enumType in _enums)
        {
            var values = new JsonArray();
            foreach (var value in Enum.GetValues(enumType))
            {
                values.Add(JsonSerializer.SerializeToNode(value, enumType, options));
            }

            var name = ComponentName(enumType);
            _schemas[name] = new JsonObject { ["type"] = "string", ["title"] = name, ["enum"] = values };
        }

        var result = new JsonObject();
        foreach (var (name, schema) in _schemas)
        {
            result[name] = schema.DeepClone();
        }

        return result;
    }

    /// <summary>The schema of a CLR type as the serializer writes it; enums become references.</summary>
    public JsonObject TypeSchema(Type type)
    {
        if (type.IsEnum)
        {
            _enums.Add(type);
            return Ref(type);
        }

        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(short) || type == typeof(byte))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(Guid))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "uuid" };
        }

        if (type == typeof(JsonObject))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = true };
        }

        if (type == typeof(JsonArray))
        {
            return new JsonObject { ["type"] = "array" };
        }

        // Free-form values (provider configs, FAL parameters) accept any JSON: the empty schema.
        if (typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonElement) || type == typeof(object))
        {
            return [];
        }

        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => new JsonObject { ["type"] = "array", ["items"] = TypeSchema(info.ElementType!) },
            JsonTypeInfoKind.Dictionary => new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeSchema(info.ElementType!) },
            _ => throw new NotSupportedException($"No OpenAPI mapping for {type}; add one so the document keeps describing every field."),
        };
    }

    private JsonObject PropertySchema(JsonPropertyInfo property, PropertyInfo? member, object? sample, bool withDefault)
    {
        var declared = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(declared);
        var valueType = underlying ?? declared;
        if (property.Set is null && valueType == typeof(TaskType) && sample is not null && property.Get is not null)
        {
            // The kind discriminator is fixed per model type: a const, so clients and tools can tell kinds apart.
            var kind = JsonSerializer.SerializeToNode(property.Get(sample), declared, options);
            return new JsonObject { ["type"] = "string", ["const"] = kind, ["default"] = kind?.DeepClone() };
        }

        var schema = TypeSchema(valueType);
        if (member is not null)
        {
            ApplyConstraints(schema, member, valueType);
        }

        if (underlying is not null || (!declared.IsValueType && member is not null && IsNullableReference(member)))
        {
            schema = new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
        }

        if (withDefault && sample is not null && property.Get is not null)
        {
            schema["default"] = JsonSerializer.SerializeToNode(property.Get(sample), declared, options);
        }

        return schema;
    }

    /// <summary>The JSON Schema form of the validation attributes the request parser enforces.</summary>
    private void ApplyConstraints(JsonObject schema, PropertyInfo member, Type valueType)
    {
        var isText = valueType == typeof(string);
        if (member.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            ApplyRange(schema, range);
        }

        if (member.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
        {
            schema["enum"] = new JsonArray([.. allowed.Values.Select(v => JsonSerializer.SerializeToNode(v, v?.GetType() ?? typeof(object), options))]);
        }

        int? minLength = null;
        int? maxLength = null;
        if (member.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            minLength = length.MinimumLength;
            maxLength = length.MaximumLength;
        }

        minLength ??= member.GetCustomAttribute<MinLengthAttribute>()?.Length;
        maxLength ??= member.GetCustomAttribute<MaxLengthAttribute>()?.Length;
        if (minLength is { } min)
        {
            schema[isText ? "minLength" : "minItems"] = min;
        }

        // MaxLengthAttribute uses -1 for "no limit".
        if (maxLength is { } max && max >= 0)
        {
            schema[isText ? "maxLength" : "maxItems"] = max;
        }

        if (member.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
        }

        if (member.GetCustomAttribute<HttpUrlAttribute>() is not null)
        {
            schema["format"] = "uri";
        }
    }

    /// <summary>Bounds at the numeric type's extremes mean "unbounded" in the model, as the parser treats them.</summary>
    private static void ApplyRange(JsonObject schema, RangeAttribute range)
    {
        var isInt = range.OperandType == typeof(int);
        var min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
        var max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        if (min > int.MinValue)
        {
            schema[range.MinimumIsExclusive ? "exclusiveMinimum" : "minimum"] = Number(min, isInt);
        }

        if (max < int.MaxValue)
        {
            schema[range.MaximumIsExclusive ? "exclusiveMaximum" : "maximum"] = Number(max, isInt);
        }
    }

    private static JsonNode Number(double value, bool isInt) =>
        isInt ? JsonValue.Create((long)value) : JsonValue.Create(value);

    /// <summary>Whether the serializer writes the property in every response (no per-property ignore condition).</summary>
    private bool AlwaysWritten(JsonPropertyInfo property) =>
        property.Get is not null && property.ShouldSerialize is null && options.DefaultIgnoreCondition == JsonIgnoreCondition.Never;

    private bool IsNullableReference(PropertyInfo member)
    {
        var info = _nullability.Create(member);
        return (member.CanWrite ? info.WriteState : info.ReadState) == NullabilityState.Nullable;
    }
}
