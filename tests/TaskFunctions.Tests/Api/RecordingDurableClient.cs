using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace TaskFunctions.Tests.Api;

/// <summary>
/// A Durable client for in-process API tests: remembers the instances it was asked to schedule (and can forget one, as
/// if the scheduling never happened), or fails every schedule. Everything else is outside what create uses.
/// </summary>
internal sealed class RecordingDurableClient(bool failSchedules = false) : DurableTaskClient("recording")
{
    private readonly ConcurrentDictionary<string, int> instances = new(StringComparer.Ordinal);

    /// <summary>Every instance id scheduled, once per call.</summary>
    public ConcurrentQueue<string> Scheduled { get; } = new();

    public void Forget(string instanceId) => instances.TryRemove(instanceId, out _);

    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        if (failSchedules)
        {
            throw new InvalidOperationException("The Durable backend is unreachable (test).");
        }

        var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        instances.AddOrUpdate(id, 1, (_, n) => n + 1);
        Scheduled.Enqueue(id);
        return Task.FromResult(id);
    }

    public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs, CancellationToken cancellation = default) =>
        Task.FromResult(instances.ContainsKey(instanceId) ? new OrchestrationMetadata("TaskOrchestration", instanceId) : null);

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
