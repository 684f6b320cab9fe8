using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Storage;

/// <summary>Filters and paging of a task list; results are newest first.</summary>
public sealed record TaskListQuery
{
    /// <summary>Tenant to list; null lists every tenant (admin only).</summary>
    public string? Tenant { get; init; }

    public TaskState? Status { get; init; }

    public TaskType? TaskType { get; init; }

    public string? OriginInstance { get; init; }

    public string? OriginZone { get; init; }

    public string? WorkflowId { get; init; }

    /// <summary>Cleaned-up tasks (is_deleted) are hidden unless this is set.</summary>
    public bool IncludeDeleted { get; init; }

    public int Skip { get; init; }

    public int Limit { get; init; } = 100;
}
