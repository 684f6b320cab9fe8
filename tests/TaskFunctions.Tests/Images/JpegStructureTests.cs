using TaskFunctions.Core.Images;

using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Images;

public class JpegStructureTests
{
    [Fact]
    public void HasEndOfImage_CompleteJpeg_ReturnsTrue()
    {
        var data = TestImages.SplitJpeg(16, 16);

        Assert.True(JpegStructure.HasEndOfImage(data));
    }

    [Fact]
    public void HasEndOfImage_EndMarkerRemoved_ReturnsFalse()
    {
        var data = TestImages.SplitJpeg(16, 16)[..^2];

        Assert.False(JpegStructure.HasEndOfImage(data));
    }

    [Fact]
    public void HasEndOfImage_EndMarkerOnlyBeforeScan_ReturnsFalse()
    {
        // An APP1 segment carrying FF D9 (as an EXIF thumbnail does), then a scan header with no end marker.
        byte[] data = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34];

        Assert.False(JpegStructure.HasEndOfImage(data));
    }

    [Fact]
    public void HasEndOfImage_SegmentLengthPastEnd_ReturnsFalse()
    {
        byte[] data = [0xFF, 0xD8, 0xFF, 0xDB, 0x01, 0x00, 0x00];

        Assert.False(JpegStructure.HasEndOfImage(data));
    }
}
