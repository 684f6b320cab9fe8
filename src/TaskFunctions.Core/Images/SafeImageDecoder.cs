using System.Collections.Concurrent;
using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Core.Images;

/// <summary>Decodes untrusted images: PNG, JPEG and WebP only, size-checked before decoding, memory- and time-capped.</summary>
/// <remarks>ImageSharp 2.1 gets no more security fixes, so every limit is enforced here rather than trusted to the decoders.</remarks>
public static class SafeImageDecoder
{
    private const int MiB = 1024 * 1024;

    // Allocators pool memory and are expensive; one per distinct limit keeps it to one per process in practice.
    private static readonly ConcurrentDictionary<int, Configuration> Configurations = new();

    /// <summary>Recognises PNG, JPEG and WebP by their magic bytes; everything else is <see cref="ImageFormatKind.Unknown"/>.</summary>
    public static ImageFormatKind Sniff(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormatKind.Png;
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormatKind.Jpeg;
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormatKind.WebP;
        }

        return ImageFormatKind.Unknown;
    }

    /// <summary>Reads, checks and decodes an untrusted image.</summary>
    /// <exception cref="InvalidImageException">The image is not an acceptable PNG, JPEG or WebP within the limits.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static async Task<Image<Rgba32>> DecodeAsync(Stream input, ImageDecodeOptions options, CancellationToken ct)
    {
        var decoded = await DecodeWithFormatAsync(input, options, ct);
        return decoded.Image;
    }

    /// <summary>As <see cref="DecodeAsync"/>, also returning the sniffed format.</summary>
    internal static async Task<(Image<Rgba32> Image, ImageFormatKind Format)> DecodeWithFormatAsync(
        Stream input, ImageDecodeOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxPixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBytes);

        // The constructor (unlike CancelAfter) cancels at once for a zero budget, which keeps the limit exact.
        using var deadline = new CancellationTokenSource(options.DecodeTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var token = linked.Token;

        // Read failures stay as they are (I/O problems are not the caller's image's fault); only the deadline maps.
        ArraySegment<byte> data;
        try
        {
            data = await ReadBoundedAsync(input, options.MaxBytes, token);
            token.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw TimedOut(options, ex);
        }

        try
        {
            var (format, _, _) = await IdentifyAsync(data, options, token);
            var configuration = ConfigurationFor(options.MaxPixels);
            using var stream = new MemoryStream(data.Array!, data.Offset, data.Count, writable: false);
            stream.Position = 0;
            token.ThrowIfCancellationRequested();
            var image = await Image.LoadAsync<Rgba32>(configuration, stream, token);
            return (image, format);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw TimedOut(options, ex);
        }
        catch (InvalidMemoryOperationException ex)
        {
            throw new InvalidImageException("image needs more memory to decode than allowed", ex);
        }
        catch (UnknownImageFormatException ex)
        {
            throw new InvalidImageException("unsupported image format; use PNG, JPEG or WebP", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new InvalidImageException("image uses an encoding feature that is not supported", ex);
        }
        catch (Exception ex) when (ex is not (InvalidImageException or OperationCanceledException or OutOfMemoryException))
        {
            // Decoder crashes on hostile input (ImageFormatException, index errors, ...) all mean the data is bad.
            throw Corrupt(ex);
        }
    }

    /// <summary>
    /// Checks untrusted image bytes without decoding pixels: magic-byte format, JPEG end marker, dimensions from the
    /// header against the pixel cap. Cheap enough to run on every input before anything is stored.
    /// </summary>
    /// <exception cref="InvalidImageException">The bytes are not an acceptable PNG, JPEG or WebP within the limits.</exception>
    public static async Task<(ImageFormatKind Format, int Width, int Height)> InspectAsync(
        ReadOnlyMemory<byte> data, ImageDecodeOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (data.Length > options.MaxBytes)
        {
            throw TooManyBytes(options.MaxBytes);
        }

        using var deadline = new CancellationTokenSource(options.DecodeTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var segment = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var array) ? array : new ArraySegment<byte>(data.ToArray());
        try
        {
            return await IdentifyAsync(segment, options, linked.Token);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw TimedOut(options, ex);
        }
        catch (Exception ex) when (ex is not (InvalidImageException or OperationCanceledException or OutOfMemoryException))
        {
            throw Corrupt(ex);
        }
    }

    private static async Task<(ImageFormatKind Format, int Width, int Height)> IdentifyAsync(
        ArraySegment<byte> data, ImageDecodeOptions options, CancellationToken token)
    {
        var format = Sniff(data.AsSpan());
        if (format == ImageFormatKind.Unknown)
        {
            throw new InvalidImageException(data.Count == 0
                ? "image data is empty"
                : $"unsupported image format ({DescribeUnsupported(data.AsSpan())}); use PNG, JPEG or WebP");
        }

        // ImageSharp fills a truncated JPEG scan with grey instead of failing, so the end marker is checked here.
        if (format == ImageFormatKind.Jpeg && !JpegStructure.HasEndOfImage(data.AsSpan()))
        {
            throw Corrupt(null);
        }

        using var stream = new MemoryStream(data.Array!, data.Offset, data.Count, writable: false);
        var info = await Image.IdentifyAsync(ConfigurationFor(options.MaxPixels), stream, token) ?? throw Corrupt(null);
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw Corrupt(null);
        }

        if ((long)info.Width * info.Height > options.MaxPixels)
        {
            throw new InvalidImageException(string.Create(CultureInfo.InvariantCulture,
                $"image is {info.Width}x{info.Height} pixels, above the {options.MaxPixels} pixel limit"));
        }

        return (format, info.Width, info.Height);
    }

    internal static Configuration ConfigurationFor(long maxPixels)
    {
        // One frame buffer of the largest allowed image, plus headroom for decoder working buffers.
        long limitBytes = maxPixels * 4 + 64L * MiB;
        int limitMegabytes = (int)Math.Min(int.MaxValue, (limitBytes + MiB - 1) / MiB);
        return Configurations.GetOrAdd(limitMegabytes, static mb =>
        {
            var configuration = new Configuration(
                new PngConfigurationModule(), new JpegConfigurationModule(), new WebpConfigurationModule());
            configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = mb });
            return configuration;
        });
    }

    private static InvalidImageException TimedOut(ImageDecodeOptions options, Exception inner) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"image took longer than {options.DecodeTimeout.TotalSeconds:0.#} s to read and decode"), inner);

    private static InvalidImageException Corrupt(Exception? inner) =>
        inner is null
            ? new InvalidImageException("image data is truncated or corrupt")
            : new InvalidImageException("image data is truncated or corrupt", inner);

    // Buffers the whole input once: the format is sniffed, identified and decoded from the same bytes without copies.
    private static async Task<ArraySegment<byte>> ReadBoundedAsync(Stream input, long maxBytes, CancellationToken ct)
    {
        int capacity = 0;
        if (input.CanSeek)
        {
            long remaining = Math.Max(0, input.Length - input.Position);
            if (remaining > maxBytes)
            {
                throw TooManyBytes(maxBytes);
            }

            capacity = (int)Math.Min(remaining, Array.MaxLength);
        }

        // Sized to the known length, the buffer never grows, so TryGetBuffer hands back the bytes without a copy.
        using var buffer = new MemoryStream(capacity);
        return await CopyBoundedAsync(input, buffer, maxBytes, ct);
    }

    private static async Task<ArraySegment<byte>> CopyBoundedAsync(Stream input, MemoryStream buffer, long maxBytes, CancellationToken ct)
    {
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await input.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooManyBytes(maxBytes);
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), ct);
        }

        return buffer.TryGetBuffer(out var segment) ? segment : new ArraySegment<byte>(buffer.ToArray());
    }

    private static InvalidImageException TooManyBytes(long maxBytes) =>
        new(string.Create(CultureInfo.InvariantCulture, $"image is larger than the {maxBytes} byte limit"));

    // Names common formats so callers learn what they sent; the bytes, not a file name or content type, decide.
    private static string DescribeUnsupported(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("GIF8"u8))
        {
            return "GIF";
        }

        if (data.StartsWith("PK\u0003\u0004"u8))
        {
            return "ZIP";
        }

        if (data.StartsWith("%PDF"u8))
        {
            return "PDF";
        }

        if (data.StartsWith("BM"u8))
        {
            return "BMP";
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return "TIFF";
        }

        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return "HEIF/AVIF";
        }

        var text = data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? data[3..] : data;
        text = text.TrimStart(" \t\r\n"u8);
        if (text.StartsWith("<"u8))
        {
            return "SVG/XML";
        }

        return "unrecognised";
    }
}
