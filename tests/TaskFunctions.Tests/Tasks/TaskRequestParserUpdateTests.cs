using System.Text;
using System.Text.Json;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Tasks;

public class TaskRequestParserUpdateTests
{
    [Fact]
    public void ParseUpdate_ExtraField_ReportsExtraForbidden()
    {
        var body = """{"status":"RUNNING","prompt":"new"}"""u8;

        var result = TaskRequestParser.ParseUpdate(TaskType.EDITING, body, TaskRouteFamily.Tasks);

        var error = Assert.Single(result.Errors);
        Assert.Equal("extra_forbidden", error.Type);
        Assert.Equal("Extra inputs are not permitted", error.Msg);
        Assert.Equal(["body", "prompt"], error.Loc);
    }

    [Fact]
    public void ParseUpdate_GenerationRoute_AcceptsGenerationFields()
    {
        var body = """{"fal_request_id":"req-1","reference_image_strength":40,"queue_name":"q"}"""u8;

        var result = TaskRequestParser.ParseUpdate(TaskType.GENERATION, body, TaskRouteFamily.Generation);

        var update = Assert.IsType<GenerationTaskUpdate>(result.Value);
        Assert.Equal("req-1", update.FalRequestId);
        Assert.Equal(["fal_request_id", "queue_name", "reference_image_strength"], update.PresentFields.Order());
    }

    [Fact]
    public void ParseUpdate_PlainRouteForGeneration_RejectsGenerationFields()
    {
        var result = TaskRequestParser.ParseUpdate(TaskType.GENERATION, """{"fal_request_id":"req-1"}"""u8, TaskRouteFamily.Tasks);

        Assert.Equal("extra_forbidden", Assert.Single(result.Errors).Type);
    }

    [Fact]
    public void ParseUpdate_GenerationRouteForOtherKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => TaskRequestParser.ParseUpdate(TaskType.EDITING, "{}"u8, TaskRouteFamily.Generation));
    }

    [Fact]
    public void ParseUpdate_WrongTypes_ReportsEachField()
    {
        var body = """{"status":"DONE","priority":1.5,"errors":"boom","config":3}"""u8;

        var result = TaskRequestParser.ParseUpdate(TaskType.REFINE, body, TaskRouteFamily.Tasks);

        Assert.Equal(
            ["body.config dict_type", "body.errors list_type", "body.priority int_from_float", "body.status enum"],
            result.Errors.Select(e => $"{TaskRequestParserCreateTests.Loc(e)} {e.Type}").Order());
    }

    [Fact]
    public void ParseUpdate_BadTimestamp_ReportsDatetimeError()
    {
        var result = TaskRequestParser.ParseUpdate(TaskType.LLM_INTERACTION, """{"started_at":"yesterday"}"""u8, TaskRouteFamily.Tasks);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("datetime", error.Type, StringComparison.Ordinal);
        Assert.Equal(["body", "started_at"], error.Loc);
    }

    [Fact]
    public void ParseUpdate_ExplicitNullStatus_IsPresentWithNullValue()
    {
        var result = TaskRequestParser.ParseUpdate(TaskType.FACE_ENHANCER, """{"status":null}"""u8, TaskRouteFamily.Tasks);

        Assert.True(result.IsValid);
        Assert.True(result.Value.HasStatus);
        Assert.Null(result.Value.Status);
    }

    [Fact]
    public void ParseUpdate_NoStatus_HasStatusFalse()
    {
        var result = TaskRequestParser.ParseUpdate(TaskType.FACE_ENHANCER, """{"priority":2}"""u8, TaskRouteFamily.Tasks);

        Assert.False(result.Value!.HasStatus);
        Assert.Equal(["priority"], result.Value.PresentFields);
    }

    [Fact]
    public void ApplyTo_OnlyPresentFields_AreChanged()
    {
        var task = new EditingTaskPublic { Priority = 3, ExecutorType = "old", Errors = ["e1"], Status = TaskState.PENDING };
        var update = TaskRequestParser.ParseUpdate(TaskType.EDITING, """{"status":"RUNNING","errors":null}"""u8, TaskRouteFamily.Tasks).Value!;

        update.ApplyTo(task);

        Assert.Equal(TaskState.RUNNING, task.Status);
        Assert.Null(task.Errors);
        Assert.Equal(3, task.Priority);
        Assert.Equal("old", task.ExecutorType);
    }

    [Fact]
    public void ApplyTo_ExplicitNullForNonNullableField_KeepsValue()
    {
        var task = new EditingTaskPublic { Priority = 3 };
        var update = TaskRequestParser.ParseUpdate(TaskType.EDITING, """{"priority":null}"""u8, TaskRouteFamily.Tasks).Value!;

        update.ApplyTo(task);

        Assert.Equal(3, task.Priority);
    }

    [Fact]
    public void ApplyTo_InternalFields_GoToInternalState()
    {
        var task = new GenerationTaskPublic();
        var body = """{"queue_name":"gpu","is_resumed":true,"resume_attempt_count":2,"last_resume_attempt":"2025-01-02T03:04:05Z","service_requests":[{"url":"x"}],"fal_request_id":"r"}"""u8;
        var update = TaskRequestParser.ParseUpdate(TaskType.GENERATION, body, TaskRouteFamily.Generation).Value!;

        update.ApplyTo(task);

        Assert.Equal("gpu", task.Internal.QueueName);
        Assert.True(task.Internal.IsResumed);
        Assert.Equal(2, task.Internal.ResumeAttemptCount);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), task.Internal.LastResumeAttempt);
        Assert.Equal("x", Assert.Single(task.Internal.ServiceRequests!)["url"]!.GetValue<string>());
        Assert.Equal("r", task.FalRequestId);
        Assert.DoesNotContain("queue_name", Encoding.UTF8.GetString(TaskJson.SerializePublic(task)), StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyTo_TaskTypeField_NeverChangesKind()
    {
        var task = new LLMInteractionTaskPublic();
        var update = TaskRequestParser.ParseUpdate(TaskType.LLM_INTERACTION, """{"task_type":"EDITING","progress":50}"""u8, TaskRouteFamily.Tasks).Value!;

        update.ApplyTo(task);

        Assert.Equal(TaskType.LLM_INTERACTION, task.TaskType);
        Assert.Equal(50, task.Progress);
    }

    [Fact]
    public void ApplyTo_EveryUpdateField_HasATarget()
    {
        var updateTypes = TaskKinds.All.Select(k => (Kind: k, Update: TaskKinds.PublicUpdateType(k)))
            .Append((Kind: TaskType.GENERATION, Update: typeof(GenerationTaskUpdate)));
        foreach (var (kind, updateType) in updateTypes)
        {
            var instance = Activator.CreateInstance(updateType)!;
            var fields = JsonSerializer.SerializeToNode(instance, updateType, TaskJson.Storage)!.AsObject().Select(p => p.Key).ToList();
            var body = Encoding.UTF8.GetBytes("{" + string.Join(',', fields.Select(f => $"\"{f}\":null")) + "}");
            var update = TaskRequestParser.ParseUpdate(kind, body, updateType == typeof(GenerationTaskUpdate) ? TaskRouteFamily.Generation : TaskRouteFamily.Tasks).Value!;
            var task = (TaskPublicBase)Activator.CreateInstance(TaskKinds.PublicType(kind))!;

            var exception = Record.Exception(() => update.ApplyTo(task));

            Assert.Null(exception);
            Assert.Equal(fields.Order(), update.PresentFields.Order());
        }
    }
}
