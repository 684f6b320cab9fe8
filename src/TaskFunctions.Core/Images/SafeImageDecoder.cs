using System.Buffers;
using System.Buffers.Binary;
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
        InputBuffer data;
        try
        {
            data = await ReadBoundedAsync(input, options.MaxBytes, token);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw TimedOut(options, ex);
        }

        using (data)
        {
            try
            {
                token.ThrowIfCancellationRequested();
                var (format, _, _) = await IdentifyAsync(data.Segment, options, decoding: true, token);
                var configuration = ConfigurationFor(options.MaxPixels);
                using var stream = new MemoryStream(data.Array, 0, data.Count, writable: false);
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
            return await IdentifyAsync(segment, options, decoding: false, linked.Token);
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

    /// <param name="decoding">
    /// The bytes are decoded next: a PNG's size is then read from its IHDR chunk (which must come first) instead of
    /// ImageSharp's identify pass over every chunk, since the decoder checks all the rest anyway. Inspections, whose
    /// verdict is all there is, keep the full pass.
    /// </param>
    private static async Task<(ImageFormatKind Format, int Width, int Height)> IdentifyAsync(
        ArraySegment<byte> data, ImageDecodeOptions options, bool decoding, CancellationToken token)
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

        if (!(decoding && format == ImageFormatKind.Png && TryReadPngSize(data.AsSpan(), out var width, out var height)))
        {
            using var stream = new MemoryStream(data.Array!, data.Offset, data.Count, writable: false);
            var info = await Image.IdentifyAsync(ConfigurationFor(options.MaxPixels), stream, token) ?? throw Corrupt(null);
            (width, height) = (info.Width, info.Height);
        }

        if (width <= 0 || height <= 0)
        {
            throw Corrupt(null);
        }

        if ((long)width * height > options.MaxPixels)
        {
            throw new InvalidImageException(string.Create(CultureInfo.InvariantCulture,
                $"image is {width}x{height} pixels, above the {options.MaxPixels} pixel limit"));
        }

        return (format, width, height);
    }

    /// <summary>Width and height from the IHDR chunk right after the PNG signature (big-endian, at most 2^31 − 1 each).</summary>
    internal static bool TryReadPngSize(ReadOnlySpan<byte> png, out int width, out int height)
    {
        (width, height) = (0, 0);
        if (png.Length < 33 || BinaryPrimitives.ReadUInt32BigEndian(png[8..]) != 13 || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        uint w = BinaryPrimitives.ReadUInt32BigEndian(png[16..]), h = BinaryPrimitives.ReadUInt32BigEndian(png[20..]);
        if (w > int.MaxValue || h > int.MaxValue)
        {
            return false;
        }

        (width, height) = ((int)w, (int)h);
        return true;
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

    // Buffers the whole input once, in a pooled array (a 24 MP PNG is ~30 MB: no fresh large-object allocation per
    // image): the format is sniffed, identified and decoded from the same bytes without copies.
    private static async Task<InputBuffer> ReadBoundedAsync(Stream input, long maxBytes, CancellationToken ct)
    {
        int capacity = 256 * 1024;
        if (input.CanSeek)
        {
            long remaining = Math.Max(0, input.Length - input.Position);
            if (remaining > maxBytes)
            {
                throw TooManyBytes(maxBytes);
            }

            // One byte more than announced, so the read that finds the end needs no bigger buffer.
            capacity = (int)Math.Min(remaining + 1, Array.MaxLength);
        }

        var buffer = new InputBuffer(capacity);
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer.Free(), ct)) > 0)
            {
                buffer.Count += read;
                if (buffer.Count > maxBytes)
                {
                    throw TooManyBytes(maxBytes);
                }
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>An input's bytes in an array rented from the shared pool, returned on dispose.</summary>
    private sealed class InputBuffer(int capacity) : IDisposable
    {
        public byte[] Array { get; private set; } = ArrayPool<byte>.Shared.Rent(capacity);

        public int Count { get; set; }

        public ArraySegment<byte> Segment => new(Array, 0, Count);

        /// <summary>The unused rest of the array, doubled first when full (at most twice the input held, at most its size copied again).</summary>
        public Memory<byte> Free()
        {
            if (Count == Array.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * Array.Length, System.Array.MaxLength));
                Array.AsSpan(0, Count).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(Array);
                Array = larger;
            }

            return Array.AsMemory(Count);
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(Array);
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
