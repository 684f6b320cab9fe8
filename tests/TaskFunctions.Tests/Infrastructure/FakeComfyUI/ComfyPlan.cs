namespace TaskFunctions.Tests.Infrastructure.FakeComfyUI;

/// <summary>What kind of outcome a <see cref="ComfyPlan"/> scripts.</summary>
public enum ComfyPlanKind
{
    /// <summary>Queued, run, then <c>status_str: "success"</c> with the graph's output files.</summary>
    Succeeds,

    /// <summary>Queued, run, then <c>status_str: "error"</c> with an <c>execution_error</c> message.</summary>
    Fails,

    /// <summary><c>POST /prompt</c> answers 400 with <c>node_errors</c> for one node (even if the graph is valid).</summary>
    RejectsNode,

    /// <summary><c>POST /prompt</c> answers a given status and body (e.g. 503 from a gateway).</summary>
    PromptFails,
}

/// <summary>
/// How the fake ComfyUI server treats one submitted prompt. Progress is driven by <c>GET /history/{id}</c> polls: the
/// prompt is pending (in <c>queue_pending</c>) while fewer than <see cref="PendingPolls"/> history polls came before,
/// running (in <c>queue_running</c>) for the next <see cref="RunningPolls"/> (or until released when held), then done.
/// </summary>
public sealed class ComfyPlan
{
    private ComfyPlan()
    {
    }

    public ComfyPlanKind Kind { get; private init; }

    public int PendingPolls { get; private init; }

    public int RunningPolls { get; private init; }

    /// <summary>Stays running until <see cref="ComfyScript.Release"/> (or an interrupt).</summary>
    public bool Hold { get; private init; }

    /// <summary>Images per output node.</summary>
    public int Images { get; private init; } = 1;

    /// <summary>Size of generated images when the graph has neither an uploaded image nor an EmptyLatentImage upstream.</summary>
    public int Width { get; private init; } = 64;

    public int Height { get; private init; } = 48;

    /// <summary>For <see cref="ComfyPlanKind.Fails"/> / <see cref="ComfyPlanKind.RejectsNode"/>: the node named (null: the first output node / first node).</summary>
    public string? NodeId { get; private init; }

    public string Message { get; private init; } = string.Empty;

    public string ExceptionType { get; private init; } = string.Empty;

    public int Status { get; private init; }

    public string Body { get; private init; } = string.Empty;

    /// <summary>Pending for <paramref name="pendingPolls"/> history polls, running for <paramref name="runningPolls"/>, then success.</summary>
    public static ComfyPlan Succeeds(int pendingPolls = 0, int runningPolls = 1, int images = 1, int width = 64, int height = 48)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pendingPolls);
        ArgumentOutOfRangeException.ThrowIfNegative(runningPolls);
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        return new() { Kind = ComfyPlanKind.Succeeds, PendingPolls = pendingPolls, RunningPolls = runningPolls, Images = images, Width = width, Height = height };
    }

    /// <summary>Pending for <paramref name="pendingPolls"/> history polls, then running until the script is released (or interrupted); then success.</summary>
    public static ComfyPlan HoldUntilReleased(int pendingPolls = 0) =>
        new() { Kind = ComfyPlanKind.Succeeds, PendingPolls = pendingPolls, RunningPolls = 0, Hold = true };

    /// <summary>Runs, then ends with <c>status_str: "error"</c> and an <c>execution_error</c> at <paramref name="nodeId"/>.</summary>
    public static ComfyPlan Fails(string message = "Allocation on device", string exceptionType = "torch.OutOfMemoryError", string? nodeId = null, int runningPolls = 1) =>
        new() { Kind = ComfyPlanKind.Fails, RunningPolls = runningPolls, Message = message, ExceptionType = exceptionType, NodeId = nodeId };

    /// <summary><c>POST /prompt</c> answers 400 <c>prompt_outputs_failed_validation</c> with this error for <paramref name="nodeId"/> (null: the first node).</summary>
    public static ComfyPlan RejectsNode(string message = "Value not in list", string? nodeId = null) =>
        new() { Kind = ComfyPlanKind.RejectsNode, Message = message, NodeId = nodeId };

    /// <summary><c>POST /prompt</c> answers <paramref name="status"/> with <paramref name="body"/>.</summary>
    public static ComfyPlan PromptFails(int status, string body = "") =>
        new() { Kind = ComfyPlanKind.PromptFails, Status = status, Body = body };
}
