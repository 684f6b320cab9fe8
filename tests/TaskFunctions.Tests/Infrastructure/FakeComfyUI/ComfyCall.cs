namespace TaskFunctions.Tests.Infrastructure.FakeComfyUI;

/// <summary>One request the fake ComfyUI server received.</summary>
/// <param name="Kind">"upload", "prompt", "history", "queue", "delete" (<c>POST /queue</c>), "interrupt", "view" or "other".</param>
/// <param name="Headers">Request headers by case-insensitive name, repeated values joined with ", ".</param>
/// <param name="Body">The request body as text; for uploads a summary (<c>multipart: image=NAME (N bytes), type=…, overwrite=…</c>).</param>
/// <param name="PromptId">The prompt the call concerns, when it names one (history, view of its outputs, a submitted prompt).</param>
/// <param name="Marker">The marker of that prompt's graph (see <see cref="FakeComfyUIServer"/>), or null.</param>
public sealed record ComfyCall(
    string Kind,
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    string? PromptId,
    string? Marker,
    DateTimeOffset At);
