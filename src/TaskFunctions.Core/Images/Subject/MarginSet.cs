namespace TaskFunctions.Core.Images.Subject;

/// <summary>Subject margins as fractions (0-1) of the image size: top/bottom of the height, left/right of the width; null = no constraint.</summary>
public sealed record MarginSet(double? Top, double? Bottom, double? Left, double? Right)
{
    /// <summary>No margin constrained.</summary>
    public static MarginSet None { get; } = new(null, null, null, null);

    /// <summary>True when no side is constrained.</summary>
    public bool IsEmpty => Top is null && Bottom is null && Left is null && Right is null;

    /// <summary>This set with every unconstrained side taken from <paramref name="fallback"/>.</summary>
    public MarginSet Or(MarginSet fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new(Top ?? fallback.Top, Bottom ?? fallback.Bottom, Left ?? fallback.Left, Right ?? fallback.Right);
    }
}
