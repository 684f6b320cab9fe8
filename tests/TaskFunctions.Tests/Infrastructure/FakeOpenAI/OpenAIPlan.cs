namespace TaskFunctions.Tests.Infrastructure.FakeOpenAI;

/// <summary>What the fake OpenAI server answers to one call.</summary>
public enum OpenAIPlanKind
{
    /// <summary>Chat: the text with usage. Images: <c>data[].b64_json</c> PNGs.</summary>
    Succeeds,

    /// <summary>Chat: 200 with <c>finish_reason: "content_filter"</c> and no content.</summary>
    ContentFilter,

    /// <summary>Chat: 200 with <c>message.refusal</c> set and no content.</summary>
    Refusal,

    /// <summary>A non-success status with an error body and headers.</summary>
    Fails,

    /// <summary>Waits (until the client gives up or <see cref="OpenAIPlan.Delay"/> passes), then succeeds.</summary>
    Slow,
}

/// <summary>How the fake OpenAI server answers one call for a model.</summary>
public sealed class OpenAIPlan
{
    private OpenAIPlan()
    {
    }

    public OpenAIPlanKind Kind { get; private init; }

    public string Text { get; private init; } = "Hello from the fake.";

    public int PromptTokens { get; private init; } = 11;

    public int CompletionTokens { get; private init; } = 7;

    /// <summary>Images per answer when the request's <c>n</c> does not say.</summary>
    public int Images { get; private init; } = 1;

    public int Width { get; private init; } = 64;

    public int Height { get; private init; } = 48;

    public int Status { get; private init; } = 200;

    public string Body { get; private init; } = string.Empty;

    public IReadOnlyList<(string Name, string Value)> Headers { get; private init; } = [];

    public TimeSpan Delay { get; private init; }

    /// <summary>Chat answers <paramref name="text"/> with usage; image calls answer red/blue PNGs of the given size as b64_json.</summary>
    public static OpenAIPlan Succeeds(string text = "Hello from the fake.", int promptTokens = 11, int completionTokens = 7, int width = 64, int height = 48) =>
        new() { Kind = OpenAIPlanKind.Succeeds, Text = text, PromptTokens = promptTokens, CompletionTokens = completionTokens, Width = width, Height = height };

    public static OpenAIPlan ContentFilter() => new() { Kind = OpenAIPlanKind.ContentFilter };

    public static OpenAIPlan Refusal(string refusal = "I can't help with that.") => new() { Kind = OpenAIPlanKind.Refusal, Text = refusal };

    /// <summary><paramref name="status"/> with <c>{"error":{"message","type","param","code"}}</c>.</summary>
    public static OpenAIPlan Fails(int status, string? code = null, string message = "The fake refused the request.", string type = "invalid_request_error", string? param = null) =>
        new() { Kind = OpenAIPlanKind.Fails, Status = status, Body = ErrorBody(message, type, param, code) };

    /// <summary><paramref name="status"/> with a body as given (e.g. a gateway's HTML page).</summary>
    public static OpenAIPlan FailsWithBody(int status, string body) => new() { Kind = OpenAIPlanKind.Fails, Status = status, Body = body };

    /// <summary>429 <c>rate_limit_exceeded</c> with <c>retry-after-ms</c> and/or <c>retry-after</c> when given.</summary>
    public static OpenAIPlan RateLimited(string? retryAfterMs = null, string? retryAfter = null)
    {
        var headers = new List<(string, string)>();
        if (retryAfterMs is not null)
        {
            headers.Add(("retry-after-ms", retryAfterMs));
        }

        if (retryAfter is not null)
        {
            headers.Add(("retry-after", retryAfter));
        }

        return new() { Kind = OpenAIPlanKind.Fails, Status = 429, Body = ErrorBody("Rate limit reached for requests.", "requests", null, "rate_limit_exceeded"), Headers = headers };
    }

    /// <summary>Holds the call for <paramref name="delay"/> (default: until the client hangs up), then succeeds.</summary>
    public static OpenAIPlan Slow(TimeSpan? delay = null) => new() { Kind = OpenAIPlanKind.Slow, Delay = delay ?? Timeout.InfiniteTimeSpan };

    /// <summary>The same plan with one more response header (e.g. <c>x-should-retry: false</c>).</summary>
    public OpenAIPlan WithHeader(string name, string value) => With(p => p.Headers = [.. Headers, (name, value)]);

    /// <summary>The same plan answering <paramref name="images"/> images when the request does not say <c>n</c>.</summary>
    public OpenAIPlan WithImages(int images) => With(p => p.Images = images);

    private OpenAIPlan With(Action<Builder> change)
    {
        var builder = new Builder(this);
        change(builder);
        return builder.Build();
    }

    private static string ErrorBody(string message, string type, string? param, string? code) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["error"] = new System.Text.Json.Nodes.JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        }.ToJsonString();

    private sealed class Builder(OpenAIPlan plan)
    {
        public IReadOnlyList<(string Name, string Value)> Headers { get; set; } = plan.Headers;

        public int Images { get; set; } = plan.Images;

        public OpenAIPlan Build() => new()
        {
            Kind = plan.Kind,
            Text = plan.Text,
            PromptTokens = plan.PromptTokens,
            CompletionTokens = plan.CompletionTokens,
            Images = Images,
            Width = plan.Width,
            Height = plan.Height,
            Status = plan.Status,
            Body = plan.Body,
            Headers = Headers,
            Delay = plan.Delay,
        };
    }
}
