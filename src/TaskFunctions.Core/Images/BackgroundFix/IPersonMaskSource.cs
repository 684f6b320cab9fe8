using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>Separates the person from the background of a BACKGROUND_FIX base image.</summary>
/// <remarks>
/// The base image's own alpha channel (<see cref="AlphaPersonMaskSource"/>), or a background-removal provider's cut-out
/// (<see cref="CutoutPersonMaskSource"/>) for photos without one.
/// </remarks>
public interface IPersonMaskSource
{
    /// <summary>Short name reported in <see cref="BackgroundFixResult.MaskSource"/>.</summary>
    string Name { get; }

    /// <summary>
    /// Returns the person coverage of every pixel, row-major, <c>Width × Height</c> values from 0 (background) to
    /// 1 (person). The array belongs to the caller, which may overwrite it.
    /// </summary>
    /// <exception cref="PersonMaskUnavailableException">The image cannot be separated by this source.</exception>
    Task<float[]> CreateMaskAsync(Image<Rgba32> baseImage, CancellationToken ct);
}
