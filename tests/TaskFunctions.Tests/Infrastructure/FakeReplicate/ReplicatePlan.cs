using System.Globalization;
using System.Text.Json.Nodes;

namespace TaskFunctions.Tests.Infrastructure.FakeReplicate;

/// <summary>How the fake Replicate server treats one created prediction: its status sequence, its output or its failure.</summary>
public sealed class ReplicatePlan
{
    /// <summary>The message Replicate's safety checker ends a prediction with.</summary>
    public const string NsfwError = "NSFW content detected. Try running it again, or try a different prompt.";

    private ReplicatePlan()
    {
    }

    internal ReplicatePlanKind Kind { get; private init; }

    internal ReplicateOutputKind Output { get; private init; }

    internal int StartingPolls { get; private init; } = 1;

    internal int ProcessingPolls { get; private init; } = 1;

    internal int Images { get; private init; } = 1;

    internal bool AsList { get; private init; } = true;

    internal int Width { get; private init; } = 64;

    internal int Height { get; private init; } = 48;

    internal IReadOnlyList<string> Chunks { get; private init; } = [];

    internal int? InputTokens { get; private init; }

    internal int? OutputTokens { get; private init; }

    internal string? OutputJson { get; private init; }

    internal string? Error { get; private init; }

    internal int FailureStatus { get; private init; }

    internal string FailureBody { get; private init; } = string.Empty;

    internal IReadOnlyList<(string Name, string Value)> FailureHeaders { get; private init; } = [];

    internal bool Hold { get; private init; }

    internal double PredictTime { get; private init; } = 1.25;

    /// <summary>
    /// <c>starting</c> for <paramref name="startingPolls"/> gets, <c>processing</c> (logs "Generating N%") for
    /// <paramref name="processingPolls"/>, then <c>succeeded</c> with <paramref name="images"/> served PNGs: a list of
    /// URLs (flux-style), or with <paramref name="asList"/> false and one image a single URL string (Real-ESRGAN-style).
    /// </summary>
    public static ReplicatePlan Succeeds(int startingPolls = 1, int processingPolls = 1, int images = 1, int width = 64, int height = 48, bool asList = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startingPolls);
        ArgumentOutOfRangeException.ThrowIfNegative(processingPolls);
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!asList && images != 1)
        {
            throw new ArgumentException("A single URL output has exactly one image.", nameof(asList));
        }

        return new() { Kind = ReplicatePlanKind.Runs, Output = ReplicateOutputKind.Images, StartingPolls = startingPolls, ProcessingPolls = processingPolls, Images = images, Width = width, Height = height, AsList = asList };
    }

    /// <summary>Succeeds with a single URL string of a served MP4 (starts with an ISO BMFF <c>ftyp</c> box), like minimax/video-01.</summary>
    public static ReplicatePlan SucceedsWithVideo() => new() { Kind = ReplicatePlanKind.Runs, Output = ReplicateOutputKind.Video };

    /// <summary>Like <see cref="SucceedsWithVideo"/>, but the served ".mp4" is an HTML error page (no <c>ftyp</c> box).</summary>
    public static ReplicatePlan SucceedsWithFakeVideo() => new() { Kind = ReplicatePlanKind.Runs, Output = ReplicateOutputKind.FakeVideo };

    /// <summary>
    /// Succeeds like a streaming LLM: <c>output</c> is the list of string <paramref name="chunks"/>; <c>metrics</c> carries
    /// <c>input_token_count</c> / <c>output_token_count</c> only when given.
    /// </summary>
    public static ReplicatePlan SucceedsWithText(IReadOnlyList<string> chunks, int? inputTokens = null, int? outputTokens = null)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        return new() { Kind = ReplicatePlanKind.Runs, Output = ReplicateOutputKind.Text, Chunks = [.. chunks], InputTokens = inputTokens, OutputTokens = outputTokens };
    }

    /// <summary>Succeeds with <paramref name="outputJson"/> as <c>output</c>; each "{file}" becomes the URL of a served PNG.</summary>
    public static ReplicatePlan SucceedsWithOutput(string outputJson)
    {
        ArgumentNullException.ThrowIfNull(outputJson);
        _ = JsonNode.Parse(outputJson.Replace("{file}", "x", StringComparison.Ordinal));
        return new() { Kind = ReplicatePlanKind.Runs, Output = ReplicateOutputKind.Json, OutputJson = outputJson };
    }

    /// <summary>
    /// Succeeds with a single URL serving the bytes of the first data-URI image in the input (<c>image</c>,
    /// <c>input_image</c>, ... in input order), unchanged; fails with "no input image" when there is none.
    /// </summary>
    public static ReplicatePlan EchoesInputImage() => new() { Kind = ReplicatePlanKind.Runs, Output = ReplicateOutputKind.Echo };

    /// <summary>Runs (one starting, one processing get), then ends <c>failed</c> with <paramref name="error"/>.</summary>
    public static ReplicatePlan Fails(string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new() { Kind = ReplicatePlanKind.Runs, Output = ReplicateOutputKind.Failed, Error = error };
    }

    /// <summary>Ends <c>failed</c> with Replicate's safety-checker message (<see cref="NsfwError"/>).</summary>
    public static ReplicatePlan FailsNsfw() => Fails(NsfwError);

    /// <summary>Ends <c>aborted</c> (its Cancel-After deadline passed before it started) without running.</summary>
    public static ReplicatePlan Aborts() => new() { Kind = ReplicatePlanKind.Runs, Output = ReplicateOutputKind.Aborted, ProcessingPolls = 0 };

    /// <summary>The create answers <paramref name="status"/> with <paramref name="body"/> and <paramref name="headers"/>; no prediction is made.</summary>
    public static ReplicatePlan CreateFails(int status, string body, params (string Name, string Value)[] headers) =>
        new() { Kind = ReplicatePlanKind.CreateFails, FailureStatus = status, FailureBody = body ?? string.Empty, FailureHeaders = headers ?? [] };

    /// <summary>The create answers 429 with Replicate's throttling problem body and <c>Retry-After: {seconds}</c>.</summary>
    public static ReplicatePlan Throttled(int retryAfterSeconds = 7) => CreateFails(
        429,
        Problem(429, "Request was throttled", string.Create(CultureInfo.InvariantCulture, $"Request was throttled. Expected available in {retryAfterSeconds} seconds.")),
        ("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The prediction is created, then every get of it answers <paramref name="status"/> with <paramref name="body"/>.</summary>
    public static ReplicatePlan GetFails(int status, string body, params (string Name, string Value)[] headers) =>
        new() { Kind = ReplicatePlanKind.GetFails, FailureStatus = status, FailureBody = body ?? string.Empty, FailureHeaders = headers ?? [] };

    /// <summary>The prediction is created, then stays <c>processing</c> forever (until canceled).</summary>
    public static ReplicatePlan Hangs() => new() { Kind = ReplicatePlanKind.Hangs, Output = ReplicateOutputKind.Images, StartingPolls = 0, ProcessingPolls = 0 };

    /// <summary>The create request is never answered: held open until the client gives up or the server is disposed.</summary>
    public static ReplicatePlan CreateHangs() => new() { Kind = ReplicatePlanKind.CreateHangs };

    /// <summary>
    /// The prediction is created (it runs like <see cref="Succeeds"/> and shows in the list), but the create request is
    /// never answered: a submit that times out after it landed.
    /// </summary>
    public static ReplicatePlan CreatesThenHangs() => new() { Kind = ReplicatePlanKind.CreatesThenHangs, Output = ReplicateOutputKind.Images, StartingPolls = 1, ProcessingPolls = 1 };

    /// <summary>An RFC 7807 problem body as Replicate sends it: <c>{type,title,status,detail}</c>.</summary>
    public static string Problem(int status, string title, string detail) => new JsonObject
    {
        ["type"] = "https://replicate.com/docs/reference/http#errors",
        ["title"] = title,
        ["status"] = status,
        ["detail"] = detail,
    }.ToJsonString();

    /// <summary>This plan, but the prediction stays <c>processing</c> after its processing gets until <see cref="ReplicateScript.Release"/>.</summary>
    public ReplicatePlan HoldUntilReleased() => Copy(hold: true);

    private ReplicatePlan Copy(bool hold) => new()
    {
        Kind = Kind,
        Output = Output,
        StartingPolls = StartingPolls,
        ProcessingPolls = ProcessingPolls,
        Images = Images,
        AsList = AsList,
        Width = Width,
        Height = Height,
        Chunks = Chunks,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        OutputJson = OutputJson,
        Error = Error,
        FailureStatus = FailureStatus,
        FailureBody = FailureBody,
        FailureHeaders = FailureHeaders,
        Hold = hold,
        PredictTime = PredictTime,
    };
}

internal enum ReplicatePlanKind
{
    Runs,
    Hangs,
    CreateFails,
    CreateHangs,
    CreatesThenHangs,
    GetFails,
}

internal enum ReplicateOutputKind
{
    Images,
    Video,
    FakeVideo,
    Text,
    Json,
    Echo,
    Failed,
    Aborted,
}
