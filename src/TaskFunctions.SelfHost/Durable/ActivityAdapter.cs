using Microsoft.DurableTask;
using TaskFunctions.Core.Workflow;

namespace TaskFunctions.SelfHost.Durable;

/// <summary>Lets the DurableTask worker run a Core activity resolved from DI (the Functions app uses triggers instead).</summary>
public sealed class ActivityAdapter<TActivity, TInput, TOutput>(TActivity activity) : TaskActivity<TInput, TOutput>
    where TActivity : ITaskActivity<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => activity.RunAsync(input);
}
