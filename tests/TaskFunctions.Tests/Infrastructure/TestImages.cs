using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Synthetic images for tests.</summary>
public static class TestImages
{
    /// <summary>A PNG whose left half is red and right half blue.</summary>
    public static byte[] Png(int width, int height)
    {
        using var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = x < width / 2 ? new Rgba32(255, 0, 0) : new Rgba32(0, 0, 255);
                }
            }
        });
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    public static string PngBase64(int width, int height) => Convert.ToBase64String(Png(width, height));

    public static string PngDataUrl(int width, int height) => "data:image/png;base64," + PngBase64(width, height);
}
