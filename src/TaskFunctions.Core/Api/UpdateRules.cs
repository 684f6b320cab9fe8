using Microsoft.AspNetCore.Http;
using TaskFunctions.Core.Auth;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Api;

/// <summary>What a PUT may change beyond its schema: lifecycle and ownership rules.</summary>
public static class UpdateRules
{
    /// <summary>Null when the update may be applied; otherwise the answer to send.</summary>
    public static ApiResult? Check(TaskPublicBase task, TaskUpdateBase update, CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(caller);
        if (update.HasStatus && update.Status != task.Status && task.Status.IsTerminal())
        {
            return ApiResult.Detail(StatusCodes.Status409Conflict, $"Task is already {task.Status}; its status cannot change.");
        }

        if (update.HasStatus && update.Status is null)
        {
            return ApiResult.Validation(ValidationErrorItem.Body("Input should be a valid task status, not null", "enum", "status"));
        }

        if (update.PresentFields.Contains("task_type") && update is GenerationTaskUpdate { TaskType: { } newType } && newType != task.TaskType)
        {
            return ApiResult.Validation(ValidationErrorItem.Body("Value error, task_type cannot be changed", "value_error", "task_type"));
        }

        if (update.PresentFields.Contains("origin_tenant_id") && update is GenerationTaskUpdate generation
            && generation.OriginTenantId != task.OriginTenantId && !caller.IsAdmin)
        {
            return ApiResult.Detail(StatusCodes.Status403Forbidden, "Cannot move a task to another tenant.");
        }

        return null;
    }
}
