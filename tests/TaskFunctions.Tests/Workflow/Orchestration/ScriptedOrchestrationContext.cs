using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TaskFunctions.Tests.Workflow.Orchestration;

/// <summary>
/// An in-process <see cref="TaskOrchestrationContext"/> for driving <c>TaskOrchestration</c> without a backend: every
/// activity call is recorded (name and input) and answered by a script; timers fire at once and move the clock; the
/// cancel event can be raised when a given activity is called. Inputs and outputs round-trip through JSON, as they do
/// through orchestration history, so a type that would not survive history fails here too.
/// </summary>
public sealed class ScriptedOrchestrationContext(Func<ScriptedOrchestrationContext.ActivityCall, object?> answer) : TaskOrchestrationContext
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TaskCompletionSource<string> cancel = new();
    private DateTime now = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>One activity call: its name, its input as JSON, and how many calls of that name came before.</summary>
    public sealed record ActivityCall(string Name, JsonElement Input, int Ordinal)
    {
        public T InputAs<T>() => Input.Deserialize<T>(Json)!;
    }

    /// <summary>Every step in order: activity names, and <c>timer:{seconds}</c> for each timer.</summary>
    public List<string> Steps { get; } = [];

    public List<ActivityCall> Calls { get; } = [];

    /// <summary>Raise the cancel event right after the Nth call of this activity (1-based) was answered.</summary>
    public (string Activity, int Ordinal)? CancelAfter { get; set; }

    public override TaskName Name => "TaskOrchestration";

    public override string InstanceId => "task-1";

    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => now;

    public override bool IsReplaying => false;

    public override TaskOrchestrationEntityFeature Entities => throw new NotSupportedException();

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public IEnumerable<T> InputsOf<T>(string activity) => Calls.Where(c => c.Name == activity).Select(c => c.InputAs<T>());

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        var call = new ActivityCall(name.Name, JsonSerializer.SerializeToElement(input, Json), Calls.Count(c => c.Name == name.Name) + 1);
        Calls.Add(call);
        Steps.Add(name.Name);
        var result = answer(call);
        if (CancelAfter is { } at && at.Activity == name.Name && at.Ordinal == call.Ordinal)
        {
            cancel.TrySetResult("cancelled");
        }

        if (result is Exception failure)
        {
            return Task.FromException<TResult>(new TaskFailedException(name.Name, Calls.Count, new TaskFailureDetails(failure.GetType().FullName!, failure.Message, null, null, null)));
        }

        // Through JSON, as through history.
        return Task.FromResult(JsonSerializer.Deserialize<TResult>(JsonSerializer.Serialize(result, Json), Json)!);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        Steps.Add(FormattableString.Invariant($"timer:{(fireAt - now).TotalSeconds:0.###}"));
        if (fireAt > now)
        {
            now = fireAt;
        }

        return Task.CompletedTask;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        cancel.Task.ContinueWith(t => (T)(object)t.Result, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public override void SendEvent(string instanceId, string eventName, object payload) => throw new NotSupportedException();

    public override void SetCustomStatus(object? customStatus)
    {
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        throw new NotSupportedException();

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => throw new NotSupportedException();

    public override Guid NewGuid() => Guid.NewGuid();

    public override T? GetInput<T>()
        where T : default => default;
}
