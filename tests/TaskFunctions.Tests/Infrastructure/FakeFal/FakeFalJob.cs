using System.Text.Json.Nodes;

namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>One job held by <see cref="FakeFalServer"/>; all state changes under its own lock.</summary>
internal sealed class FakeFalJob(string id, string appId, string aliasPrefix, FalJobPlan plan, FalScript script)
{
    public object Gate { get; } = new();

    public string Id { get; } = id;

    public string AppId { get; } = appId;

    /// <summary>owner/alias (or namespace/owner/alias): where status, result and cancel are addressed.</summary>
    public string AliasPrefix { get; } = aliasPrefix;

    public FalJobPlan Plan { get; } = plan;

    public FalScript Script { get; } = script;

    public int Polls { get; set; }

    /// <summary>A status poll has answered COMPLETED (the result may be fetched, cancel is too late).</summary>
    public bool Completed { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>Built on the first result fetch and repeated after.</summary>
    public JsonNode? Result { get; set; }
}
