using TaskFunctions.Core.Images.BackgroundFix;

namespace TaskFunctions.Tests.Images.BackgroundFix;

public class MaskFiltersTests
{
    private static float[] Impulse(int width, int height, int x, int y)
    {
        var plane = new float[width * height];
        plane[(y * width) + x] = 1f;
        return plane;
    }

    [Fact]
    public void Dilate_SinglePixel_GrowsToSquareOfRadius()
    {
        // Wider than one 32-column strip, so the column pass crosses a strip boundary.
        const int width = 70, height = 9;
        var plane = Impulse(width, height, 33, 4);

        MaskFilters.Dilate(plane, width, height, 2, CancellationToken.None);

        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float expected = Math.Abs(x - 33) <= 2 && Math.Abs(y - 4) <= 2 ? 1f : 0f;
                Assert.Equal(expected, plane[(y * width) + x]);
            }
        }
    }

    [Fact]
    public void Dilate_AtBorder_StopsAtTheEdge()
    {
        const int width = 5, height = 5;
        var plane = Impulse(width, height, 0, 0);

        MaskFilters.Dilate(plane, width, height, 1, CancellationToken.None);

        Assert.Equal(4f, plane.Sum());
        Assert.Equal(1f, plane[(1 * width) + 1]);
    }

    [Fact]
    public void GaussianBlur_InteriorImpulse_KeepsMassAndSymmetry()
    {
        const int width = 41, height = 41;
        var plane = Impulse(width, height, 20, 20);

        MaskFilters.GaussianBlur(plane, width, height, 3, CancellationToken.None);

        Assert.Equal(1f, plane.Sum(), 3);
        Assert.Equal(plane[(20 * width) + 17], plane[(20 * width) + 23], 6);
        Assert.Equal(plane[(17 * width) + 20], plane[(20 * width) + 17], 6);
        Assert.True(plane[(20 * width) + 20] > plane[(20 * width) + 21]);
        Assert.True(plane[(20 * width) + 21] > plane[(20 * width) + 22]);
    }

    [Fact]
    public void GaussianBlur_ZeroSigma_LeavesPlaneUnchanged()
    {
        var plane = Impulse(5, 5, 2, 2);

        MaskFilters.GaussianBlur(plane, 5, 5, 0, CancellationToken.None);

        Assert.Equal(Impulse(5, 5, 2, 2), plane);
    }

    [Fact]
    public void GaussianKernel_HugeSigma_IsCappedAndNormalised()
    {
        var kernel = MaskFilters.GaussianKernel(1000, 10);

        Assert.Equal(21, kernel.Length);
        Assert.Equal(1f, kernel.Sum(), 4);
    }
}
