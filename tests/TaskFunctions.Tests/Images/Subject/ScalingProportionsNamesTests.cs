using TaskFunctions.Core.Images.Subject;

namespace TaskFunctions.Tests.Images.Subject;

public class ScalingProportionsNamesTests
{
    [Theory]
    [InlineData("height", ScalingProportions.Height)]
    [InlineData("width", ScalingProportions.Width)]
    [InlineData("fit", ScalingProportions.Fit)]
    [InlineData("fill", ScalingProportions.Fill)]
    [InlineData(null, ScalingProportions.Fit)]
    public void TryParse_KnownOrMissing_Parses(string? name, ScalingProportions expected)
    {
        Assert.True(ScalingProportionsNames.TryParse(name, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void TryParse_WrongCase_Fails()
    {
        Assert.False(ScalingProportionsNames.TryParse("Height", out _));
    }

    [Fact]
    public void All_RoundTripsThroughToWire()
    {
        foreach (var name in ScalingProportionsNames.All)
        {
            Assert.True(ScalingProportionsNames.TryParse(name, out var parsed));
            Assert.Equal(name, ScalingProportionsNames.ToWire(parsed));
        }
    }
}
