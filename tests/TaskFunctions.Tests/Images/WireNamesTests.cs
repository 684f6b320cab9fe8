using System.Reflection;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;
using TaskFunctions.Core.Images;
using ResizeMode = TaskFunctions.Core.Images.ResizeMode;

namespace TaskFunctions.Tests.Images;

public class WireNamesTests
{
    [Theory]
    [InlineData("auto", ResizeMode.Auto)]
    [InlineData("crop", ResizeMode.Crop)]
    [InlineData("pad", ResizeMode.Pad)]
    [InlineData("scale", ResizeMode.Scale)]
    public void ResizeModeTryParse_WireValue_ReturnsMode(string name, ResizeMode expected)
    {
        bool ok = ResizeModeNames.TryParse(name, out var mode);

        Assert.True(ok);
        Assert.Equal(expected, mode);
        Assert.Equal(name, ResizeModeNames.ToWire(mode));
    }

    [Theory]
    [InlineData("Crop")]
    [InlineData("fit")]
    [InlineData("")]
    [InlineData(null)]
    public void ResizeModeTryParse_OtherValue_ReturnsFalse(string? name)
    {
        Assert.False(ResizeModeNames.TryParse(name, out _));
    }

    [Fact]
    public void CroppingPositionAll_EveryValue_RoundTrips()
    {
        var parsed = CroppingPositionNames.All
            .Select(n => CroppingPositionNames.TryParse(n, out var p) ? CroppingPositionNames.ToWire(p) : null)
            .ToArray();

        Assert.Equal<string?>(CroppingPositionNames.All, parsed);
        Assert.Equal(Enum.GetValues<CroppingPosition>().Length, CroppingPositionNames.All.Count);
    }

    [Theory]
    [InlineData("top_left", CroppingPosition.TopLeft)]
    [InlineData("bottom_right", CroppingPosition.BottomRight)]
    [InlineData("center", CroppingPosition.Center)]
    public void CroppingPositionTryParse_WireValue_ReturnsPosition(string name, CroppingPosition expected)
    {
        Assert.True(CroppingPositionNames.TryParse(name, out var position));
        Assert.Equal(expected, position);
    }

    [Theory]
    [InlineData("topleft")]
    [InlineData("Center")]
    public void CroppingPositionTryParse_OtherValue_ReturnsFalse(string name)
    {
        Assert.False(CroppingPositionNames.TryParse(name, out _));
    }

    [Fact]
    public void ResamplerNamesAll_EveryKnownResampler_IsReachable()
    {
        var known = typeof(KnownResamplers).GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Select(p => (IResampler)p.GetValue(null)!)
            .ToArray();

        var reachable = ResamplerNames.All.Select(n => ResamplerNames.TryGet(n, out var r) ? r : null).ToHashSet();

        Assert.Equal(15, known.Length);
        Assert.All(known, r => Assert.Contains(r, reachable));
    }

    [Theory]
    [InlineData("lanczos", "lanczos3")]
    [InlineData("bilinear", "triangle")]
    [InlineData("nearest", "nearestneighbor")]
    public void ResamplerNamesTryGet_Alias_MatchesCanonical(string alias, string canonical)
    {
        ResamplerNames.TryGet(alias, out var fromAlias);
        ResamplerNames.TryGet(canonical, out var fromCanonical);

        Assert.Same(fromCanonical, fromAlias);
    }

    [Theory]
    [InlineData("Lanczos3")]
    [InlineData("cubic")]
    [InlineData(null)]
    public void ResamplerNamesTryGet_UnknownName_ReturnsFalse(string? name)
    {
        Assert.False(ResamplerNames.TryGet(name, out _));
    }
}
