using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace TaskFunctions.Core.Tasks;

/// <summary>The <c>resampling</c> names IMAGE_ADJUSTER accepts and the ImageSharp 2.1 resampler each selects.</summary>
/// <remarks>
/// The common names (lanczos, bicubic, bilinear, nearest) map to their ImageSharp equivalents; every other
/// <see cref="KnownResamplers"/> member is offered under its snake_case name.
/// </remarks>
public static class ImageResamplers
{
    /// <summary>The default resampler name.</summary>
    public const string Default = "lanczos";

    private static readonly Dictionary<string, IResampler> ByName = new(StringComparer.Ordinal)
    {
        ["lanczos"] = KnownResamplers.Lanczos3,
        ["bicubic"] = KnownResamplers.Bicubic,
        ["bilinear"] = KnownResamplers.Triangle,
        ["nearest"] = KnownResamplers.NearestNeighbor,
        ["box"] = KnownResamplers.Box,
        ["catmull_rom"] = KnownResamplers.CatmullRom,
        ["hermite"] = KnownResamplers.Hermite,
        ["lanczos2"] = KnownResamplers.Lanczos2,
        ["lanczos3"] = KnownResamplers.Lanczos3,
        ["lanczos5"] = KnownResamplers.Lanczos5,
        ["lanczos8"] = KnownResamplers.Lanczos8,
        ["mitchell_netravali"] = KnownResamplers.MitchellNetravali,
        ["robidoux"] = KnownResamplers.Robidoux,
        ["robidoux_sharp"] = KnownResamplers.RobidouxSharp,
        ["spline"] = KnownResamplers.Spline,
        ["triangle"] = KnownResamplers.Triangle,
        ["welch"] = KnownResamplers.Welch,
    };

    /// <summary>Every accepted name.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The resampler for <paramref name="name"/>; throws for names validation would have rejected.</summary>
    public static IResampler Resolve(string name) =>
        ByName.TryGetValue(name, out var resampler)
            ? resampler
            : throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown resampling name.");
}
