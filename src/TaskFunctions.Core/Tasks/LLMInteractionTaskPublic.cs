namespace TaskFunctions.Core.Tasks;

/// <summary>Task document of an LLM_INTERACTION task.</summary>
public sealed class LLMInteractionTaskPublic : TaskPublicBase
{
    public override TaskType TaskType => TaskType.LLM_INTERACTION;

    public string Prompt { get; set; } = "";

    public string? SystemPrompt { get; set; }

    public List<string>? InputImages { get; set; }

    public string? ResultText { get; set; }

    public int? InputTokens { get; set; }

    public int? OutputTokens { get; set; }
}
