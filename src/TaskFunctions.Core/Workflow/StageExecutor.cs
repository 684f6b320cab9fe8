namespace TaskFunctions.Core.Workflow;

/// <summary>How the workflow runs one provider stage.</summary>
public enum StageExecutor
{
    /// <summary>No executor for this kind on this provider: the stage fails at once (INTERNAL), a fallback may still run.</summary>
    Missing,

    /// <summary>One-shot, in-process (LOCAL): a single activity.</summary>
    Local,

    /// <summary>Asynchronous provider job: submit, durable polling, result copy (monitor pattern).</summary>
    Job,

    /// <summary>Synchronous provider call (OpenAI-compatible): one activity per attempt that calls and stores the result.</summary>
    Call,
}
