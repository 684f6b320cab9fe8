using System.Text.Json.Nodes;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Tasks;

/// <summary>The REFINE capability rule and the supported (kind, provider) pairs, as create applies them.</summary>
public sealed class ProviderCapabilityRulesTests
{
    /// <summary>factor (null: none), capabilities, accepted, the capability named when refused.</summary>
    public static TheoryData<double?, string[], bool, string?> RefineTable() => new()
    {
        { 2, ["UPSCALE_2X"], true, null },
        { 2, ["UPSCALE_4X", "UPSCALE_8X"], false, "UPSCALE_2X" },
        { 2, ["UPSCALE_FLOAT"], false, "UPSCALE_2X" },
        { 4, ["UPSCALE_4X", "UPSCALE_8X"], true, null },
        { 4, ["UPSCALE_2X"], false, "UPSCALE_4X" },
        { 8, ["UPSCALE_4X", "UPSCALE_8X"], true, null },
        { 8, ["UPSCALE_FLOAT", "OUTPUT_SIZE"], false, "UPSCALE_8X" },
        { 1.5, ["UPSCALE_FLOAT"], true, null },
        { 1.5, ["UPSCALE_2X", "UPSCALE_4X", "UPSCALE_8X", "OUTPUT_SIZE"], false, "UPSCALE_FLOAT" },
        { 3, ["UPSCALE_2X", "UPSCALE_4X"], false, "UPSCALE_FLOAT" },
        { null, ["OUTPUT_SIZE"], true, null },
        { null, ["UPSCALE_2X", "UPSCALE_FLOAT"], false, "OUTPUT_SIZE" },
        { null, [], false, "OUTPUT_SIZE" },
    };

    [Theory]
    [MemberData(nameof(RefineTable))]
    public void ParseCreate_RefineCapabilityTable_AcceptsOrNamesTheMissingCapability(double? factor, string[] capabilities, bool accepted, string? missing)
    {
        var patch = new JsonObject { ["active_provider_capabilities"] = new JsonArray([.. capabilities.Select(c => (JsonNode?)JsonValue.Create(c))]) };
        if (factor is { } f)
        {
            patch["upscale_factor"] = f;
        }

        var result = TaskRequestParser.ParseCreate(TaskRequestParserCreateTests.Body(TaskType.REFINE, patch.ToJsonString()));

        if (accepted)
        {
            Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Msg)));
            return;
        }

        var error = Assert.Single(result.Errors);
        Assert.Equal(["body", "upscale_factor"], error.Loc.Select(l => l.ToString()));
        Assert.Equal("value_error", error.Type);
        Assert.Contains(missing!, error.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseCreate_RefineWithoutCapabilities_IsNotCheckedAtCreate()
    {
        var result = TaskRequestParser.ParseCreate(TaskRequestParserCreateTests.Body(TaskType.REFINE, """{"upscale_factor":8}"""));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void ParseCreate_RefineUpscaleDisabled_NeedsNoUpscaleCapability()
    {
        var result = TaskRequestParser.ParseCreate(TaskRequestParserCreateTests.Body(
            TaskType.REFINE, """{"upscale_enabled":false,"face_detail_enabled":true,"active_provider_capabilities":[]}"""));

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Msg)));
    }

    [Fact]
    public void ParseCreate_RefineBothPassesDisabled_Is422()
    {
        var result = TaskRequestParser.ParseCreate(TaskRequestParserCreateTests.Body(TaskType.REFINE, """{"upscale_enabled":false,"face_detail_enabled":false}"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("value_error", error.Type);
        Assert.Contains("upscale_enabled", error.Msg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TaskType.IMAGE_ADJUSTER, "FAL", "provider_type", "LOCAL")]
    [InlineData(TaskType.BACKGROUND_FIX, "REPLICATE", "provider_type", "LOCAL")]
    [InlineData(TaskType.VIDEO_GENERATION, "LOCAL", "provider_type", "FAL")]
    [InlineData(TaskType.LLM_INTERACTION, "COMFYUI", "provider_type", "FAL")]
    [InlineData(TaskType.GENERATION, "LOCAL", "fallback_provider_type", "FAL")]
    [InlineData(TaskType.FACE_ENHANCER, "OPENAI", "fallback_provider_type", "FAL")]
    public void ParseCreate_UnsupportedProviderPair_Is422AtTheFieldListingProvidersThatCan(TaskType kind, string provider, string field, string supported)
    {
        var result = TaskRequestParser.ParseCreate(TaskRequestParserCreateTests.Body(kind, $$"""{"{{field}}":"{{provider}}"}"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal(["body", field], error.Loc.Select(l => l.ToString()));
        Assert.Contains(provider, error.Msg, StringComparison.Ordinal);
        Assert.Contains("supported: " + supported, error.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseCreate_EveryKindOnItsDefaultProviderNamedExplicitly_IsAccepted()
    {
        foreach (var kind in TaskKinds.All)
        {
            var body = TaskRequestParserCreateTests.Body(kind, $$"""{"provider_type":"{{TaskProviders.Default(kind)}}"}""");

            Assert.True(TaskRequestParser.ParseCreate(body).IsValid, kind.ToString());
        }
    }

    [Theory]
    [InlineData(2.0, RefineUpscaleKind.Factor, ProviderCapability.UPSCALE_2X)]
    [InlineData(4.0, RefineUpscaleKind.Factor, ProviderCapability.UPSCALE_4X)]
    [InlineData(8.0, RefineUpscaleKind.Factor, ProviderCapability.UPSCALE_8X)]
    [InlineData(2.5, RefineUpscaleKind.Factor, ProviderCapability.UPSCALE_FLOAT)]
    [InlineData(null, RefineUpscaleKind.OutputSize, ProviderCapability.OUTPUT_SIZE)]
    public void For_Factor_ChoosesModeAndRequiredCapability(double? factor, RefineUpscaleKind kind, ProviderCapability required)
    {
        var mode = RefineUpscaleMode.For(factor);

        Assert.Equal(kind, mode.Kind);
        Assert.Equal(required, mode.Required);
        Assert.Equal(factor, mode.Factor);
    }

    [Theory]
    [InlineData(300, 100, 100, 50, 300, 100)]
    [InlineData(300, null, 100, 50, 300, 150)]
    [InlineData(null, 25, 100, 50, 50, 25)]
    [InlineData(null, null, 100, 50, 200, 100)]
    public void OutputSize_Targets_KeepAspectForAMissingSideAndDoubleWithoutAny(int? targetWidth, int? targetHeight, int width, int height, int expectedWidth, int expectedHeight)
    {
        Assert.Equal((expectedWidth, expectedHeight), RefineUpscaleMode.OutputSize(targetWidth, targetHeight, width, height));
    }

    [Fact]
    public void FalOptions_UnknownCapabilityName_FailsValidation()
    {
        var options = new FalOptions();
        options.Capabilities["REFINE"] = "UPSCALE_2X,UPSCALE_3X";

        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(results, r => r.ErrorMessage!.Contains("UPSCALE_3X", StringComparison.Ordinal));
    }
}
