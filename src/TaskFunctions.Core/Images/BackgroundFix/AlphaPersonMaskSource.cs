using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>Takes the person from the base image's alpha channel: alpha ≥ 128 is person, anything below is background.</summary>
/// <remarks>
/// The mask is hard (0 or 1); the fixer softens it. An image without a single non-opaque pixel (a JPEG, an RGB PNG,
/// an opaque WebP) cannot be separated this way and is refused (<see cref="PersonMaskUnavailableException"/>) rather than
/// recoloured as one big background; the workflow then takes the mask from the background-removal provider.
/// </remarks>
public sealed class AlphaPersonMaskSource : IPersonMaskSource
{
    /// <summary>Alpha at or above which a pixel belongs to the person.</summary>
    public const byte PersonAlpha = 128;

    /// <inheritdoc />
    public string Name => "alpha";

    /// <inheritdoc />
    public Task<float[]> CreateMaskAsync(Image<Rgba32> baseImage, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(baseImage);
        var mask = new float[(long)baseImage.Width * baseImage.Height];
        bool anyTransparency = false;
        baseImage.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                ct.ThrowIfCancellationRequested();
                var row = accessor.GetRowSpan(y);
                var maskRow = mask.AsSpan(y * accessor.Width, accessor.Width);
                for (int x = 0; x < row.Length; x++)
                {
                    byte alpha = row[x].A;
                    anyTransparency |= alpha != byte.MaxValue;
                    maskRow[x] = alpha >= PersonAlpha ? 1f : 0f;
                }
            }
        });

        if (!anyTransparency)
        {
            throw new PersonMaskUnavailableException(
                "base_image has no alpha channel to separate the person; the background-removal provider makes the mask");
        }

        return Task.FromResult(mask);
    }
}
