namespace TaskFunctions.Core.Images;

/// <summary>Checks that JPEG data is structurally complete before it reaches the lenient ImageSharp decoder.</summary>
internal static class JpegStructure
{
    /// <summary>
    /// True when the marker segments up to the first scan are intact and an end-of-image marker follows it.
    /// </summary>
    /// <remarks>
    /// Entropy-coded data escapes 0xFF as 0xFF 0x00, so the first 0xFF 0xD9 after the scan header is a real marker;
    /// EXIF thumbnails carry their own end marker, which is why the search starts only after the first scan header.
    /// </remarks>
    public static bool HasEndOfImage(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            return false;
        }

        int i = 2;
        while (true)
        {
            if (i >= data.Length || data[i] != 0xFF)
            {
                return false;
            }

            while (i < data.Length && data[i] == 0xFF)
            {
                i++;
            }

            if (i >= data.Length)
            {
                return false;
            }

            byte marker = data[i++];
            if (marker == 0x01 || marker is >= 0xD0 and <= 0xD7)
            {
                continue;
            }

            if (marker == 0xD9 || i + 2 > data.Length)
            {
                return false;
            }

            int length = (data[i] << 8) | data[i + 1];
            if (length < 2 || i + length > data.Length)
            {
                return false;
            }

            i += length;
            if (marker == 0xDA)
            {
                return data[i..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) >= 0;
            }
        }
    }
}
