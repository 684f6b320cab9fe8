using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Inputs;

/// <summary>The checked image inputs of a create request, before anything is written.</summary>
public sealed record InputPlan(
    IReadOnlyList<InlineImage> Inline,
    IReadOnlyList<ValidationErrorItem> Errors);
