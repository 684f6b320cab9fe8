using TaskFunctions.Core.Images.BackgroundFix;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Images.BackgroundFix;

public class BackgroundFixRequestTests
{
    [Fact]
    public void From_Defaults_CopiesTheTaskFields()
    {
        var task = new CreateBackgroundFixTask { BaseImage = "a.png", PaletteImage = "b.png" };

        var request = BackgroundFixRequest.From(task);

        Assert.Equal(new BackgroundFixRequest(BackgroundFixStrategy.HSV_SHIFT, 0.005, 20.0, 150, 220), request);
    }

    [Fact]
    public void From_CustomValues_CopiesTheTaskFields()
    {
        var task = new CreateBackgroundFixTask
        {
            Strategy = BackgroundFixStrategy.LAB_TRANSFER,
            MaskExpansionPercentage = 0.1,
            EdgeBlurSigma = 0,
            ShadowThreshold = 10,
            LightThreshold = 11,
        };

        var request = BackgroundFixRequest.From(task);

        Assert.Equal(new BackgroundFixRequest(BackgroundFixStrategy.LAB_TRANSFER, 0.1, 0, 10, 11), request);
    }

    [Theory]
    [InlineData(150, 150)]
    [InlineData(221, 220)]
    public void From_ShadowNotBelowLight_ThrowsArgumentException(int shadow, int light)
    {
        var task = new CreateBackgroundFixTask { ShadowThreshold = shadow, LightThreshold = light };

        var ex = Assert.Throws<ArgumentException>(() => BackgroundFixRequest.From(task));

        Assert.Contains("shadow_threshold must be less than light_threshold", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1, 20, 150, 220)]
    [InlineData(1.01, 20, 150, 220)]
    [InlineData(double.NaN, 20, 150, 220)]
    [InlineData(0.005, -1, 150, 220)]
    [InlineData(0.005, double.PositiveInfinity, 150, 220)]
    [InlineData(0.005, 20, -1, 220)]
    [InlineData(0.005, 20, 150, 256)]
    public void From_OutOfRange_ThrowsArgumentException(double expansion, double sigma, int shadow, int light)
    {
        var task = new CreateBackgroundFixTask
        {
            MaskExpansionPercentage = expansion,
            EdgeBlurSigma = sigma,
            ShadowThreshold = shadow,
            LightThreshold = light,
        };

        Assert.Throws<ArgumentException>(() => BackgroundFixRequest.From(task));
    }

    [Fact]
    public void From_UndefinedStrategy_ThrowsArgumentException()
    {
        var task = new CreateBackgroundFixTask { Strategy = (BackgroundFixStrategy)42 };

        Assert.Throws<ArgumentException>(() => BackgroundFixRequest.From(task));
    }
}
