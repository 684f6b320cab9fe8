namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>What the result GET of a completed fake job answers.</summary>
internal enum FalResultKind
{
    Images,
    Video,
    Json,
    Failure,

    /// <summary>fal any-llm: <c>{output, partial, error[, usage]}</c>.</summary>
    Text,

    /// <summary>birefnet: the input's left half made transparent, <c>{image:{...}}</c>.</summary>
    Cutout,

    /// <summary>The input image resized by a factor (explicit, else the input's <c>upscale_factor</c>, else its <c>image_size</c>).</summary>
    Echo,

    /// <summary>The input image resized to the input's <c>image_size</c> (422 without one).</summary>
    EchoAtSize,

    /// <summary>Random noise of the input image's size.</summary>
    Noise,

    /// <summary>A "video/mp4" file that is really an HTML page.</summary>
    FakeVideo,
}
