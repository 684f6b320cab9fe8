using System.Text.Json.Nodes;

namespace TaskFunctions.Tests.Infrastructure.FakeOpenAI;

/// <summary>One multipart part the fake received (images/edits): its field name and, for files, file name, type and size.</summary>
/// <param name="Value">A text field's value; null for file parts.</param>
public sealed record OpenAIPart(string Name, string? FileName, string? ContentType, long Length, string? Value);

/// <summary>One request the fake OpenAI server received.</summary>
/// <param name="Kind">"chat", "generations", "edits" (or "other" for paths the API does not serve).</param>
/// <param name="Model">The body's <c>model</c> (OpenAI mode) or the deployment in the path (Azure mode).</param>
/// <param name="Azure">Whether it came in on the Azure path (<c>/openai/deployments/{deployment}/…</c>).</param>
/// <param name="Headers">Request headers by case-insensitive name, repeated values joined with ", ".</param>
/// <param name="Body">The body text of JSON requests; empty for multipart ones (see <paramref name="Parts"/>).</param>
/// <param name="Json">The parsed JSON body; for multipart requests an object of the text fields.</param>
public sealed record OpenAICall(
    string Kind,
    string Method,
    string PathAndQuery,
    string? Model,
    bool Azure,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    JsonObject? Json,
    IReadOnlyList<OpenAIPart> Parts,
    DateTimeOffset At)
{
    /// <summary>The file parts named <paramref name="name"/> (e.g. "image[]").</summary>
    public IReadOnlyList<OpenAIPart> Files(string name) => [.. Parts.Where(p => p.Name == name && p.FileName is not null)];
}
