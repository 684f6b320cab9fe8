using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace TaskFunctions.Core.Images;

/// <summary>Maps lower-case resampling wire names to ImageSharp resamplers.</summary>
public static class ResamplerNames
{
    /// <summary>The resampler used when a request names none.</summary>
    public const string Default = "lanczos3";

    private static readonly Dictionary<string, IResampler> Map = new(StringComparer.Ordinal)
    {
        ["bicubic"] = KnownResamplers.Bicubic,
        ["box"] = KnownResamplers.Box,
        ["catmullrom"] = KnownResamplers.CatmullRom,
        ["hermite"] = KnownResamplers.Hermite,
        ["lanczos2"] = KnownResamplers.Lanczos2,
        ["lanczos3"] = KnownResamplers.Lanczos3,
        ["lanczos5"] = KnownResamplers.Lanczos5,
        ["lanczos8"] = KnownResamplers.Lanczos8,
        ["mitchellnetravali"] = KnownResamplers.MitchellNetravali,
        ["nearestneighbor"] = KnownResamplers.NearestNeighbor,
        ["robidoux"] = KnownResamplers.Robidoux,
        ["robidouxsharp"] = KnownResamplers.RobidouxSharp,
        ["spline"] = KnownResamplers.Spline,
        ["triangle"] = KnownResamplers.Triangle,
        ["welch"] = KnownResamplers.Welch,

        // Aliases for the names other image libraries (PIL, sharp) use.
        ["lanczos"] = KnownResamplers.Lanczos3,
        ["bilinear"] = KnownResamplers.Triangle,
        ["nearest"] = KnownResamplers.NearestNeighbor,
    };

    /// <summary>Every accepted wire value, aliases included, sorted.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(Map.Keys.Order(StringComparer.Ordinal).ToArray());

    /// <summary>Looks up a resampler by wire name; exact lower-case match only.</summary>
    public static bool TryGet(string? name, out IResampler resampler)
    {
        if (name is not null && Map.TryGetValue(name, out var found))
        {
            resampler = found;
            return true;
        }

        resampler = KnownResamplers.Bicubic;
        return false;
    }
}
