using System.Text.Json.Nodes;

namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>One job held by <see cref="FakeFalServer"/>; all state changes under its own lock.</summary>
internal sealed class FakeFalJob(string id, string appId, string aliasPrefix, FalJobPlan plan, FalScript script, JsonObject input)
{
    public object Gate { get; } = new();

    public string Id { get; } = id;

    public string AppId { get; } = appId;

    /// <summary>owner/alias (or namespace/owner/alias): where status, result and cancel are addressed.</summary>
    public string AliasPrefix { get; } = aliasPrefix;

    public FalJobPlan Plan { get; } = plan;

    public FalScript Script { get; } = script;

    /// <summary>The submitted input (the request body).</summary>
    public JsonObject Input { get; } = input;

    public int Polls { get; set; }

    /// <summary>When the submit arrived (the start of a <see cref="FalJobPlan.SucceedsAfter"/> job's run time).</summary>
    public DateTimeOffset SubmittedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>A status poll has answered COMPLETED (the result may be fetched, cancel is too late).</summary>
    public bool Completed { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>The result answer (status and body), built on the first result fetch and repeated after.</summary>
    public (int Status, string Body)? Result { get; set; }
}
