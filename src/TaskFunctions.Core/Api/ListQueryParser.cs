using System.Globalization;
using Microsoft.AspNetCore.Http;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Api;

/// <summary>Parses the list routes' query string into a <see cref="TaskListQuery"/> with FastAPI-style errors.</summary>
public static class ListQueryParser
{
    /// <summary>Page size when <c>limit</c> is absent (the seed's default).</summary>
    public const int DefaultLimit = 100;

    /// <summary>The generation family fixes task_type to GENERATION and adds the workflow_id filter.</summary>
    public static (TaskListQuery Query, List<ValidationErrorItem> Errors) Parse(IQueryCollection query, TaskRouteFamily family, int maxLimit)
    {
        ArgumentNullException.ThrowIfNull(query);
        var generationRoute = family == TaskRouteFamily.Generation;
        var errors = new List<ValidationErrorItem>();
        var skip = ParseInt(query, "skip", 0, errors);
        var limit = ParseInt(query, "limit", DefaultLimit, errors);
        if (skip < 0)
        {
            errors.Add(new ValidationErrorItem(["query", "skip"], "Input should be greater than or equal to 0", "greater_than_equal"));
        }

        var status = ParseEnum<TaskState>(query, "status", errors);
        TaskType? taskType = generationRoute ? TaskType.GENERATION : ParseEnum<TaskType>(query, "task_type", errors);
        var includeDeleted = false;
        if (query.TryGetValue("include_deleted", out var raw) && !bool.TryParse(raw.ToString(), out includeDeleted))
        {
            errors.Add(new ValidationErrorItem(["query", "include_deleted"], "Input should be a valid boolean", "bool_parsing"));
        }

        var result = new TaskListQuery
        {
            Status = status,
            TaskType = taskType,
            OriginInstance = Value(query, "origin_instance"),
            OriginZone = Value(query, "origin_zone"),
            WorkflowId = generationRoute ? Value(query, "workflow_id") : null,
            IncludeDeleted = includeDeleted,
            Skip = Math.Max(skip, 0),
            Limit = Math.Min(limit, maxLimit),
        };
        return (result, errors);
    }

    private static string? Value(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;

    private static int ParseInt(IQueryCollection query, string name, int fallback, List<ValidationErrorItem> errors)
    {
        if (Value(query, name) is not { } raw)
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(new ValidationErrorItem(["query", name], "Input should be a valid integer, unable to parse string as an integer", "int_parsing"));
        return fallback;
    }

    private static TEnum? ParseEnum<TEnum>(IQueryCollection query, string name, List<ValidationErrorItem> errors)
        where TEnum : struct, Enum
    {
        if (Value(query, name) is not { } raw)
        {
            return null;
        }

        if (Enum.GetNames<TEnum>().Contains(raw, StringComparer.Ordinal))
        {
            return Enum.Parse<TEnum>(raw);
        }

        var names = Enum.GetNames<TEnum>();
        var expected = string.Join(", ", names[..^1].Select(n => $"'{n}'")) + $" or '{names[^1]}'";
        errors.Add(new ValidationErrorItem(["query", name], $"Input should be {expected}", "enum"));
        return null;
    }
}
