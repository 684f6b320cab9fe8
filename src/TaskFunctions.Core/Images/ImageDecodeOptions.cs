namespace TaskFunctions.Core.Images;

/// <summary>Limits applied to every untrusted image before and while it is decoded.</summary>
public sealed class ImageDecodeOptions
{
    /// <summary>Largest accepted width × height, checked from the header before any pixel is decoded.</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>Largest accepted encoded size in bytes.</summary>
    public long MaxBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Budget for reading, identifying and decoding one image.</summary>
    public TimeSpan DecodeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Write adjusted images in the input's format (JPEG stays JPEG, WebP stays WebP) instead of PNG, the default
    /// (lossless, and the only choice that can keep transparent padding for every input).
    /// </summary>
    public bool KeepInputFormat { get; set; }
}
