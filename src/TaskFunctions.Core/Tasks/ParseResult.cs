using System.Diagnostics.CodeAnalysis;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Outcome of parsing a request body: the value, or every validation problem found.</summary>
public sealed class ParseResult<T>
    where T : class
{
    private ParseResult(T? value, IReadOnlyList<ValidationErrorItem> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }

    /// <summary>One FastAPI-style entry per problem; empty when valid.</summary>
    public IReadOnlyList<ValidationErrorItem> Errors { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsValid => Value is not null && Errors.Count == 0;

    public static ParseResult<T> Success(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), []);

    public static ParseResult<T> Failure(IReadOnlyList<ValidationErrorItem> errors) =>
        errors is { Count: > 0 } ? new(null, errors) : throw new ArgumentException("A failure needs at least one error.", nameof(errors));
}
