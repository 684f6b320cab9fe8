namespace TaskFunctions.Core.Workflow;

/// <summary>An activity body: one I/O step, called by a Functions trigger or the self-host's worker.</summary>
public interface ITaskActivity<TInput, TOutput>
{
    Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken = default);
}
