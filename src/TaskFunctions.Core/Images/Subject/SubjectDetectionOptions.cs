namespace TaskFunctions.Core.Images.Subject;

/// <summary>Thresholds of <see cref="SubjectDetector"/>; the defaults suit product shots on plain or transparent backgrounds.</summary>
public sealed class SubjectDetectionOptions
{
    /// <summary>Images with transparency: a pixel belongs to the subject when its alpha is at least this (0-255).</summary>
    public byte AlphaThreshold { get; set; } = 16;

    /// <summary>Opaque images: width of the border band sampled for the background, as a fraction of each side (at least 1 px).</summary>
    public double BorderFraction { get; set; } = 0.02;

    /// <summary>Opaque images: smallest RGB distance (0-441) from the background colour that counts as subject.</summary>
    public double ColorTolerance { get; set; } = 24;

    /// <summary>Opaque images: the threshold is at least this many times the border pixels' median distance to the background (the noise).</summary>
    public double NoiseFactor { get; set; } = 3;

    /// <summary>Radius of the square opening that removes specks: features narrower than <c>2 × radius + 1</c> pixels are ignored; 0 keeps every pixel.</summary>
    public int SpeckRadius { get; set; } = 1;
}
