using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace TaskFunctions.Core.Tasks;

/// <summary>What the request parser checks for one wire field, read from the model's JSON contract and attributes.</summary>
internal sealed class FieldSpec
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<FieldSpec>> Cache = new();

    private FieldSpec(JsonPropertyInfo property)
    {
        Name = property.Name;
        var declared = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(declared);
        ValueType = underlying ?? declared;
        var member = property.AttributeProvider as PropertyInfo;
        AcceptsNull = underlying is not null
            || (!declared.IsValueType && member is not null
                && new NullabilityInfoContext().Create(member).WriteState == NullabilityState.Nullable);
        Required = member?.GetCustomAttribute<RequiredAttribute>() is not null;
        Range = member?.GetCustomAttribute<RangeAttribute>();
        AllowedValues = member?.GetCustomAttribute<AllowedValuesAttribute>()?.Values.Select(v => (string)v!).ToArray();
        if (member?.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            MinLength = length.MinimumLength;
            MaxLength = length.MaximumLength;
        }

        MinLength ??= member?.GetCustomAttribute<MinLengthAttribute>()?.Length;
        MaxLength ??= member?.GetCustomAttribute<MaxLengthAttribute>()?.Length;
        if (member?.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            PatternText = pattern.Pattern;
            Pattern = new Regex(pattern.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        HttpUrl = member?.GetCustomAttribute<HttpUrlAttribute>() is not null;
    }

    /// <summary>Wire name.</summary>
    public string Name { get; }

    /// <summary>The property type without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType { get; }

    /// <summary>Whether JSON null is accepted (pydantic <c>Optional</c>).</summary>
    public bool AcceptsNull { get; }

    public bool Required { get; }

    public RangeAttribute? Range { get; }

    public IReadOnlyList<string>? AllowedValues { get; }

    public int? MinLength { get; }

    public int? MaxLength { get; }

    public Regex? Pattern { get; }

    public string? PatternText { get; }

    public bool HttpUrl { get; }

    /// <summary>The writable fields of <paramref name="modelType"/>, in contract order.</summary>
    public static IReadOnlyList<FieldSpec> For(Type modelType) =>
        Cache.GetOrAdd(modelType, static t => TaskJson.Storage.GetTypeInfo(t).Properties
            .Where(p => p.Set is not null && p.AttributeProvider?.IsDefined(typeof(JsonIgnoreAttribute), true) != true)
            .Select(p => new FieldSpec(p))
            .ToArray());
}
