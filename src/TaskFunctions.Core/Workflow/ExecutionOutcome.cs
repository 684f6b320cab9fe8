using System.Text.Json;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>
/// What an executor produced: result fields by wire name (paths, URLs, text — never bytes), or a classified failure.
/// </summary>
public sealed record ExecutionOutcome(
    bool Succeeded,
    Dictionary<string, JsonElement>? Results,
    string? Error,
    ErrorCategory? Category)
{
    public static ExecutionOutcome Success(Dictionary<string, JsonElement> results) => new(true, results, null, null);

    public static ExecutionOutcome Failure(string error, ErrorCategory category) => new(false, null, error, category);
}
