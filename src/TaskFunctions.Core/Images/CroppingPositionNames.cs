namespace TaskFunctions.Core.Images;

/// <summary>Wire names of <see cref="CroppingPosition"/> values.</summary>
public static class CroppingPositionNames
{
    private static readonly (string Name, CroppingPosition Value)[] Map =
    [
        ("center", CroppingPosition.Center),
        ("top", CroppingPosition.Top),
        ("bottom", CroppingPosition.Bottom),
        ("left", CroppingPosition.Left),
        ("right", CroppingPosition.Right),
        ("top_left", CroppingPosition.TopLeft),
        ("top_right", CroppingPosition.TopRight),
        ("bottom_left", CroppingPosition.BottomLeft),
        ("bottom_right", CroppingPosition.BottomRight),
    ];

    /// <summary>Every accepted wire value, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(Map.Select(m => m.Name).ToArray());

    /// <summary>Parses a wire value; exact lower-case match only, as the API documents it.</summary>
    public static bool TryParse(string? name, out CroppingPosition position)
    {
        foreach (var (n, v) in Map)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                position = v;
                return true;
            }
        }

        position = default;
        return false;
    }

    /// <summary>The wire value of <paramref name="position"/>.</summary>
    public static string ToWire(CroppingPosition position)
    {
        foreach (var (n, v) in Map)
        {
            if (v == position)
            {
                return n;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(position), position, "Unknown cropping position.");
    }
}
