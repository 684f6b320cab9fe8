using System.Text.Json;
using TaskFunctions.Core.Providers;

namespace TaskFunctions.Core.Workflow;

/// <summary>Input of <see cref="TaskNames.CompleteTask"/>.</summary>
public sealed record CompleteTaskInput(string TaskId, Dictionary<string, JsonElement> Results, IReadOnlyList<ServiceRequestRecord>? ServiceRequests = null);
