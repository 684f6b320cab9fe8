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
}
