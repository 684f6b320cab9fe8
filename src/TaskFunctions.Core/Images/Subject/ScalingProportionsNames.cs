namespace TaskFunctions.Core.Images.Subject;

/// <summary>Wire names of <see cref="ScalingProportions"/> values.</summary>
public static class ScalingProportionsNames
{
    private static readonly (string Name, ScalingProportions Value)[] Map =
    [
        ("height", ScalingProportions.Height),
        ("width", ScalingProportions.Width),
        ("fit", ScalingProportions.Fit),
        ("fill", ScalingProportions.Fill),
    ];

    /// <summary>Every accepted wire value, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(Map.Select(m => m.Name).ToArray());

    /// <summary>Parses a wire value (exact lower-case match); null or empty means the default, <see cref="ScalingProportions.Fit"/>.</summary>
    public static bool TryParse(string? name, out ScalingProportions proportions)
    {
        proportions = ScalingProportions.Fit;
        if (string.IsNullOrEmpty(name))
        {
            return true;
        }

        foreach (var (n, v) in Map)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                proportions = v;
                return true;
            }
        }

        return false;
    }

    /// <summary>The wire value of <paramref name="proportions"/>.</summary>
    public static string ToWire(ScalingProportions proportions)
    {
        foreach (var (n, v) in Map)
        {
            if (v == proportions)
            {
                return n;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(proportions), proportions, "Unknown scaling proportions.");
    }
}
