namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>How the fake fal server treats one submitted job: its status sequence, its result or its failure.</summary>
public sealed class FalJobPlan
{
    private FalJobPlan()
    {
    }

    internal FalPlanKind Kind { get; private init; }

    internal int QueuePolls { get; private init; }

    internal int ProgressPolls { get; private init; }

    internal FalResultKind Result { get; private init; }

    internal int Images { get; private init; } = 1;

    internal int Width { get; private init; } = 64;

    internal int Height { get; private init; } = 48;

    internal string? ResultJson { get; private init; }

    /// <summary>For <see cref="FalPlanKind.SubmitFails"/> and <see cref="FalPlanKind.ResultFails"/>.</summary>
    internal int FailureStatus { get; private init; }

    internal string FailureBody { get; private init; } = string.Empty;

    internal IReadOnlyList<(string Name, string Value)> FailureHeaders { get; private init; } = [];

    internal bool Hold { get; private init; }

    /// <summary>For <see cref="FalResultKind.Text"/>: the LLM's output and the reported token counts (null: not reported).</summary>
    internal string? Text { get; private init; }

    internal int? PromptTokens { get; private init; }

    internal int? CompletionTokens { get; private init; }

    /// <summary>For <see cref="FalResultKind.Echo"/>: the explicit resize factor (null: the input's upscale_factor, image_size or 1).</summary>
    internal double? Scale { get; private init; }

    internal Uri? UrlsBase { get; private init; }

    /// <summary>For <see cref="SucceedsAfter"/>: how long the job runs, in wall-clock time from its submit.</summary>
    internal TimeSpan? RunTime { get; private init; }

    /// <summary>
    /// IN_QUEUE for <paramref name="queuePolls"/> status polls (positions counting down to 0), IN_PROGRESS with logs
    /// "Generating N%" for <paramref name="progressPolls"/>, then COMPLETED with <paramref name="images"/> served PNGs.
    /// </summary>
    public static FalJobPlan Succeeds(int queuePolls = 1, int progressPolls = 1, int images = 1, int width = 64, int height = 48)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queuePolls);
        ArgumentOutOfRangeException.ThrowIfNegative(progressPolls);
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return new FalJobPlan { Kind = FalPlanKind.Succeeds, QueuePolls = queuePolls, ProgressPolls = progressPolls, Result = FalResultKind.Images, Images = images, Width = width, Height = height };
    }

    /// <summary>
    /// IN_PROGRESS until <paramref name="runTime"/> has passed since the submit (however often or rarely it is polled, as
    /// a real provider's job runs on while nobody asks), then COMPLETED with one served PNG.
    /// </summary>
    public static FalJobPlan SucceedsAfter(TimeSpan runTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runTime, TimeSpan.Zero);
        return new FalJobPlan { Kind = FalPlanKind.Succeeds, QueuePolls = 0, ProgressPolls = 1, Result = FalResultKind.Images, RunTime = runTime };
    }

    /// <summary>Completes like <see cref="Succeeds"/> with <c>{video:{url,content_type:"video/mp4",file_name}}</c>.</summary>
    public static FalJobPlan SucceedsWithVideo() =>
        new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.Video };

    /// <summary>
    /// Completes like <see cref="SucceedsWithVideo"/>, but the served "video/mp4" file is an HTML page (no ISO BMFF
    /// <c>ftyp</c> box): what a CDN error page behind a video URL looks like.
    /// </summary>
    public static FalJobPlan SucceedsWithFakeVideo() =>
        new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.FakeVideo };

    /// <summary>
    /// Completes with fal any-llm's shape <c>{"output": ..., "partial": false, "error": null}</c>, plus
    /// <c>"usage": {"prompt_tokens", "completion_tokens"}</c> only when token counts are given.
    /// </summary>
    public static FalJobPlan SucceedsWithText(string output, int? promptTokens = null, int? completionTokens = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.Text, Text = output, PromptTokens = promptTokens, CompletionTokens = completionTokens };
    }

    /// <summary>
    /// birefnet: decodes the submitted <c>image_url</c>, makes its left half fully transparent (alpha 0) and the right
    /// half opaque, and completes with <c>{"image": {url, content_type: "image/png", file_name, file_size, width, height}}</c>
    /// (an RGBA PNG). Without a decodable <c>image_url</c> the result answers a fal 422 error body.
    /// </summary>
    public static FalJobPlan SucceedsWithCutout() =>
        new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.Cutout };

    /// <summary>
    /// Completes with <c>{"image": {...}}</c> whose PNG is the submitted <c>image_url</c> image resized by
    /// <paramref name="scale"/>; without one, by the input's <c>upscale_factor</c>, else to its <c>image_size</c>, else
    /// unchanged. Without a decodable <c>image_url</c> the result answers a fal 422 error body.
    /// </summary>
    public static FalJobPlan EchoesInputImage(double? scale = null)
    {
        if (scale is { } factor)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        }

        return new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.Echo, Scale = scale };
    }

    /// <summary>
    /// Like <see cref="EchoesInputImage"/>, resized to exactly the input's <c>image_size: {width, height}</c>
    /// (the OUTPUT_SIZE upscale mode); a fal 422 error body when the input has no image_size.
    /// </summary>
    public static FalJobPlan EchoesInputImageAtSize() =>
        new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.EchoAtSize };

    /// <summary>
    /// Completes with <c>{"image": {...}}</c>: an opaque random-noise PNG of the submitted <c>image_url</c> image's size,
    /// structurally unrelated to it (SSIM near 0).
    /// </summary>
    public static FalJobPlan SucceedsWithNoise() =>
        new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.Noise };

    /// <summary>Completes like <see cref="Succeeds"/> with <paramref name="resultJson"/>; each "{file}" becomes the URL of a served PNG.</summary>
    public static FalJobPlan SucceedsWithJson(string resultJson)
    {
        ArgumentNullException.ThrowIfNull(resultJson);
        return new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.Json, ResultJson = resultJson };
    }

    /// <summary>The submit answers <paramref name="status"/> with <paramref name="body"/> and <paramref name="headers"/>; no job is created.</summary>
    public static FalJobPlan SubmitFails(int status, string body, params (string Name, string Value)[] headers) =>
        new() { Kind = FalPlanKind.SubmitFails, FailureStatus = status, FailureBody = body ?? string.Empty, FailureHeaders = headers ?? [] };

    /// <summary>The job completes (one queue poll, one progress poll), then the result GET answers the failure.</summary>
    public static FalJobPlan ResultFails(int status, string body, params (string Name, string Value)[] headers) =>
        new() { Kind = FalPlanKind.Succeeds, QueuePolls = 1, ProgressPolls = 1, Result = FalResultKind.Failure, FailureStatus = status, FailureBody = body ?? string.Empty, FailureHeaders = headers ?? [] };

    /// <summary>The submit succeeds, then the job is IN_PROGRESS forever (until cancelled).</summary>
    public static FalJobPlan Hangs() =>
        new() { Kind = FalPlanKind.Hangs, QueuePolls = 0, ProgressPolls = 0, Result = FalResultKind.Images };

    /// <summary>The submit request is never answered: held open until the client gives up or the server is disposed.</summary>
    public static FalJobPlan SubmitHangs() => new() { Kind = FalPlanKind.SubmitHangs };

    /// <summary>This plan, but the job stays IN_PROGRESS after its progress polls until <see cref="FalScript.Release"/>.</summary>
    public FalJobPlan HoldUntilReleased() => Copy(hold: true, urlsBase: UrlsBase);

    /// <summary>
    /// This plan, but the submit response's status_url/response_url/cancel_url point to <paramref name="baseUrl"/>
    /// (same paths): a client must not follow URLs off its configured host.
    /// </summary>
    public FalJobPlan ReturnsUrlsOn(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return Copy(Hold, baseUrl);
    }

    private FalJobPlan Copy(bool hold, Uri? urlsBase) => new()
    {
        Kind = Kind,
        QueuePolls = QueuePolls,
        ProgressPolls = ProgressPolls,
        Result = Result,
        Images = Images,
        Width = Width,
        Height = Height,
        ResultJson = ResultJson,
        FailureStatus = FailureStatus,
        FailureBody = FailureBody,
        FailureHeaders = FailureHeaders,
        Hold = hold,
        UrlsBase = urlsBase,
        Text = Text,
        PromptTokens = PromptTokens,
        CompletionTokens = CompletionTokens,
        Scale = Scale,
        RunTime = RunTime,
    };
}
