using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.Subject;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// IMAGE_ADJUSTER on a 12 MP JPEG and a 24 MP PNG against, in the same run, plain ImageSharp load + resize + PNG
/// encode of the same image: median time of several runs and peak resident memory of one run each.
/// </summary>
public static class ImageAdjusterBenchmark
{
    private const int Runs = 7;

    public static async Task<IReadOnlyList<string>> RunAsync()
    {
        var lines = new List<string>();
        lines.AddRange(await RunCaseAsync("jpeg12mp", "JPEG", 4000, 3000));
        lines.AddRange(await RunCaseAsync("png24mp", "PNG", 6000, 4000));
        return lines;
    }

    private static async Task<IReadOnlyList<string>> RunCaseAsync(string name, string format, int width, int height)
    {
        var jpeg = Synthetic(width, height, format);
        var decodedBytes = (long)width * height * 4;
        var adjuster = new ImageAdjuster(new ImageDecodeOptions());
        var pad = new AdjustRequest(Core.Images.ResizeMode.Pad, 1024, 1024, null, CroppingPosition.Center, "lanczos3", 0);
        var crop = new AdjustRequest(Core.Images.ResizeMode.Crop, 1024, 1024, null, CroppingPosition.Top, "lanczos3", 0);
        var marginAdjuster = new MarginAdjuster(new ImageDecodeOptions());

        async Task<long> CropWithMargins()
        {
            using var input = new MemoryStream(jpeg, writable: false);
            using var output = new MemoryStream();
            await marginAdjuster.AdjustAsync(input, MarginsRequest(), output, CancellationToken.None);
            return output.Length;
        }

        // As production reads inputs: blob downloads are not seekable, so ImageSharp (like the adjuster) buffers them first.
        Stream Input(bool download) => download ? new DownloadStream(jpeg) : new MemoryStream(jpeg, writable: false);

        async Task<long> Adjust(AdjustRequest request, bool download = false)
        {
            using var input = Input(download);
            using var output = new MemoryStream();
            await adjuster.AdjustAsync(input, request, output, CancellationToken.None);
            return output.Length;
        }

        async Task<long> Plain(bool download = false)
        {
            using var input = Input(download);
            using var output = new MemoryStream();
            await PlainAsync(input, output);
            return output.Length;
        }

        Task<long> PlainFromDownload() => Plain(download: true);
        Task<long> PadFromDownload() => Adjust(pad, download: true);

        // Warm-up (JIT, pools) for every path before any measurement.
        await Plain();
        await Adjust(pad);
        await Adjust(crop);
        await CropWithMargins();
        await PlainFromDownload();
        await PadFromDownload();
        var medians = await InterleavedMediansAsync(() => Plain(), () => Adjust(pad), () => Adjust(crop), CropWithMargins, PlainFromDownload, PadFromDownload);
        var (plainTime, padTime, cropTime, marginTime) = (medians[0], medians[1], medians[2], medians[3]);
        var (downloadPlainTime, downloadPadTime) = (medians[4], medians[5]);
        var encoders = await EncodersAsync(jpeg, keepAlpha: format == "PNG");
        // Peak memory needs a fresh process per path: ImageSharp's pools keep buffers resident after the first run.
        var jpegPath = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.{format.ToLowerInvariant()}");
        await File.WriteAllBytesAsync(jpegPath, jpeg);
        var plainPeak = await PeakInChildAsync("plain", jpegPath);
        var padPeak = await PeakInChildAsync("pad", jpegPath);
        var cropPeak = await PeakInChildAsync("crop", jpegPath);
        var marginPeak = await PeakInChildAsync("margins", jpegPath);
        File.Delete(jpegPath);

        static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:F0} MB";
        var padRatio = padTime / plainTime;
        var padPeakX = (double)padPeak / decodedBytes;
        var met = padRatio <= 1.0 && padPeakX <= 2;
        return
        [
            $"IMAGE_ADJUSTER on a {width}x{height} {format} ({jpeg.Length / 1024} KB; decoded RGBA {Mb(decodedBytes)}), median of {Runs}:",
            $"  baseline ImageSharp load+resize+PNG:  {plainTime:F0} ms, peak {Mb(plainPeak)}",
            $"  pad to 1024x1024:                     {padTime:F0} ms ({padRatio:F2} x baseline, target <= 1.0), peak {Mb(padPeak)} ({padPeakX:F2} x decoded, target <= 2)",
            $"  crop to 1024x1024 (top):              {cropTime:F0} ms ({cropTime / plainTime:F2} x baseline), peak {Mb(cropPeak)} ({(double)cropPeak / decodedBytes:F2} x decoded)",
            $"  1024x1024 with 10 % margins (subject detection): {marginTime:F0} ms ({marginTime / plainTime:F2} x baseline), peak {Mb(marginPeak)} ({(double)marginPeak / decodedBytes:F2} x decoded)",
            $"  information, both reading a non-seekable stream as from a blob download: baseline {downloadPlainTime:F0} ms, pad {downloadPadTime:F0} ms ({downloadPadTime / downloadPlainTime:F2} x)",
            $"  information, the PNG encoder alone on the baseline's resized image ({encoders.Size}, {(format == "PNG" ? "RGBA" : "RGB")}): " +
                $"ImageSharp {encoders.SharpMs:F0} ms, {encoders.SharpBytes / 1024} KB; ours {encoders.OursMs:F0} ms, {encoders.OursBytes / 1024} KB",
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"RESULT png_encoder case={name} imagesharp_ms={encoders.SharpMs:F1} imagesharp_kb={encoders.SharpBytes / 1024} ours_ms={encoders.OursMs:F1} ours_kb={encoders.OursBytes / 1024} target=\"information\" met=true"),
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"RESULT image_download case={name} plain_ms={downloadPlainTime:F0} pad_ms={downloadPadTime:F0} pad_ratio={downloadPadTime / downloadPlainTime:F2} target=\"information\" met=true"),
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"RESULT image case={name} plain_ms={plainTime:F0} pad_ms={padTime:F0} pad_ratio={padRatio:F2} pad_peak_x={padPeakX:F2} crop_ratio={cropTime / plainTime:F2} crop_peak_x={(double)cropPeak / decodedBytes:F2} " +
                $"margins_ratio={marginTime / plainTime:F2} margins_peak_x={(double)marginPeak / decodedBytes:F2} plain_peak_x={(double)plainPeak / decodedBytes:F2} target=\"pad_ratio<=1.0 && pad_peak_x<=2\" met={(met ? "true" : "false")}"),
        ];
    }

    /// <summary>
    /// ImageSharp's PNG encoder (the baseline's) and the adjuster's <see cref="PngWriter"/> on the same resized image,
    /// with the colour type the adjuster writes for this source: median times and output sizes.
    /// </summary>
    private static async Task<(string Size, double SharpMs, long SharpBytes, double OursMs, long OursBytes)> EncodersAsync(byte[] source, bool keepAlpha)
    {
        using var image = Image.Load<Rgba32>(source);
        image.Mutate(BaselineResize);
        var sharpEncoder = new PngEncoder { ColorType = keepAlpha ? PngColorType.RgbWithAlpha : PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 };
        long sharpBytes = 0, oursBytes = 0;

        async Task<long> Sharp()
        {
            using var output = new MemoryStream();
            await image.SaveAsPngAsync(output, sharpEncoder);
            return sharpBytes = output.Length;
        }

        async Task<long> Ours()
        {
            using var output = new MemoryStream();
            await PngWriter.WriteAsync(image, keepAlpha, output, CancellationToken.None);
            return oursBytes = output.Length;
        }

        await Sharp();
        await Ours();
        var medians = await InterleavedMediansAsync(Sharp, Ours);
        return ($"{image.Width}x{image.Height}", medians[0], sharpBytes, medians[1], oursBytes);
    }

    /// <summary>The baseline: plain ImageSharp load, resize to fit 1024x1024 (Lanczos3), PNG with its default encoder.</summary>
    private static async Task PlainAsync(Stream input, Stream output)
    {
        using var image = await Image.LoadAsync<Rgba32>(input);
        image.Mutate(BaselineResize);
        await image.SaveAsPngAsync(output);
    }

    private static void BaselineResize(IImageProcessingContext x) =>
        x.Resize(new ResizeOptions { Size = new Size(1024, 1024), Mode = SixLabors.ImageSharp.Processing.ResizeMode.Max, Sampler = KnownResamplers.Lanczos3 });

    /// <summary>Child-process entry: runs one path once on the JPEG file and prints its peak resident growth in bytes.</summary>
    public static async Task<int> RunPeakChildAsync(string path, string jpegPath)
    {
        var jpeg = await File.ReadAllBytesAsync(jpegPath);
        var adjuster = new ImageAdjuster(new ImageDecodeOptions());
        var (_, peak) = await PeakMemory.MeasureAsync(async () =>
        {
            using var input = new MemoryStream(jpeg, writable: false);
            using var output = new MemoryStream();
            switch (path)
            {
                case "plain":
                    await PlainAsync(input, output);
                    break;
                case "pad":
                    await adjuster.AdjustAsync(input, new AdjustRequest(Core.Images.ResizeMode.Pad, 1024, 1024, null, CroppingPosition.Center, "lanczos3", 0), output, CancellationToken.None);
                    break;
                case "margins":
                    await new MarginAdjuster(new ImageDecodeOptions()).AdjustAsync(input, MarginsRequest(), output, CancellationToken.None);
                    break;
                default:
                    await adjuster.AdjustAsync(input, new AdjustRequest(Core.Images.ResizeMode.Crop, 1024, 1024, null, CroppingPosition.Top, "lanczos3", 0), output, CancellationToken.None);
                    break;
            }

            return output.Length;
        });
        Console.WriteLine(peak.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    }

    private static MarginRequest MarginsRequest() =>
        new(1024, 1024, null, new MarginSet(0.1, 0.1, 0.1, 0.1), ScalingProportions.Fit, "lanczos3", 0);

    private static async Task<long> PeakInChildAsync(string path, string jpegPath)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(ImageAdjusterBenchmark).Assembly.Location, "image-peak", path, jpegPath])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return long.Parse(output.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The median time of each path over <see cref="Runs"/> rounds; every round runs each path once, starting one
    /// further along each time, so drift in machine load (and one path's garbage collected during the next) falls on
    /// all paths alike instead of on whichever ran during it.
    /// </summary>
    private static async Task<double[]> InterleavedMediansAsync(params Func<Task<long>>[] paths)
    {
        var times = paths.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < Runs; round++)
        {
            for (var i = 0; i < paths.Length; i++)
            {
                var path = (round + i) % paths.Length;
                var watch = Stopwatch.StartNew();
                await paths[path]();
                times[path].Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return [.. times.Select(t => t.Order().ElementAt(t.Count / 2))];
    }

    /// <summary>A photo-like image (JPEG quality 90 or PNG): gradients plus deterministic noise so the codec has real work.</summary>
    private static byte[] Synthetic(int width, int height, string format)
    {
        var random = new Random(12345);
        using var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var n = random.Next(24);
                    row[x] = new Rgba32((byte)((x * 255 / width + n) & 255), (byte)((y * 255 / height + n) & 255), (byte)(((x + y) / 28 + n) & 255));
                }
            }
        });
        using var stream = new MemoryStream();
        if (format == "PNG")
        {
            image.SaveAsPng(stream);
        }
        else
        {
            image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
        }

        return stream.ToArray();
    }

    /// <summary>The bytes as a response body reads them: forward only, length unknown, at most 64 KB per read.</summary>
    private sealed class DownloadStream(byte[] data) : Stream
    {
        private const int MaxRead = 64 * 1024;
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(Math.Min(buffer.Length, MaxRead), data.Length - position);
            data.AsSpan(position, count).CopyTo(buffer);
            position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
