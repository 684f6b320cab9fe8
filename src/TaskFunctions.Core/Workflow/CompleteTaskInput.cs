using System.Text.Json;

namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.CompleteTask"/>.</summary>
public sealed record CompleteTaskInput(string TaskId, Dictionary<string, JsonElement> Results);
