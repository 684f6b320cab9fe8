namespace TaskFunctions.Core.Images;

/// <summary>Wire names of <see cref="ResizeMode"/> values.</summary>
public static class ResizeModeNames
{
    private static readonly (string Name, ResizeMode Value)[] Map =
    [
        ("auto", ResizeMode.Auto),
        ("crop", ResizeMode.Crop),
        ("pad", ResizeMode.Pad),
        ("scale", ResizeMode.Scale),
    ];

    /// <summary>Every accepted wire value, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(Map.Select(m => m.Name).ToArray());

    /// <summary>Parses a wire value; exact lower-case match only, as the API documents it.</summary>
    public static bool TryParse(string? name, out ResizeMode mode)
    {
        foreach (var (n, v) in Map)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                mode = v;
                return true;
            }
        }

        mode = default;
        return false;
    }

    /// <summary>The wire value of <paramref name="mode"/>.</summary>
    public static string ToWire(ResizeMode mode)
    {
        foreach (var (n, v) in Map)
        {
            if (v == mode)
            {
                return n;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown resize mode.");
    }
}
