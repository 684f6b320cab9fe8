using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>
/// Takes the person from a background-removal provider's cut-out of the base image: the cut-out's alpha (0–255) is the
/// person coverage (soft edges kept). A cut-out of another size (providers may resize) is scaled to the base image first.
/// </summary>
public sealed class CutoutPersonMaskSource(byte[] cutout, ImageDecodeOptions options) : IPersonMaskSource
{
    /// <inheritdoc />
    public string Name => "cutout";

    /// <inheritdoc />
    public async Task<float[]> CreateMaskAsync(Image<Rgba32> baseImage, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(baseImage);
        using var image = await SafeImageDecoder.DecodeAsync(new MemoryStream(cutout, writable: false), options, ct);
        if (image.Width != baseImage.Width || image.Height != baseImage.Height)
        {
            image.Mutate(x => x.Resize(baseImage.Width, baseImage.Height));
        }

        var mask = new float[(long)baseImage.Width * baseImage.Height];
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                ct.ThrowIfCancellationRequested();
                var row = accessor.GetRowSpan(y);
                var maskRow = mask.AsSpan(y * accessor.Width, accessor.Width);
                for (int x = 0; x < row.Length; x++)
                {
                    maskRow[x] = row[x].A / 255f;
                }
            }
        });
        return mask;
    }
}
