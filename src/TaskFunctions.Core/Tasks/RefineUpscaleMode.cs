using System.Globalization;

namespace TaskFunctions.Core.Tasks;

/// <summary>How REFINE's upscale pass asks the provider for its result: by a factor, or by the output size.</summary>
public enum RefineUpscaleKind
{
    Factor,
    OutputSize,
}

/// <summary>
/// The spec's REFINE capability rule: <c>upscale_factor</c> 2, 4 or 8 needs UPSCALE_2X/4X/8X, any other factor needs
/// UPSCALE_FLOAT, and no factor needs OUTPUT_SIZE. The same rule decides at create (when
/// <c>active_provider_capabilities</c> is given), when a stage starts (its own capabilities, the fallback's included) and
/// how the provider is called.
/// </summary>
public sealed record RefineUpscaleMode(RefineUpscaleKind Kind, ProviderCapability Required, double? Factor)
{
    public static RefineUpscaleMode For(double? upscaleFactor) => upscaleFactor switch
    {
        2d => new(RefineUpscaleKind.Factor, ProviderCapability.UPSCALE_2X, 2),
        4d => new(RefineUpscaleKind.Factor, ProviderCapability.UPSCALE_4X, 4),
        8d => new(RefineUpscaleKind.Factor, ProviderCapability.UPSCALE_8X, 8),
        { } factor => new(RefineUpscaleKind.Factor, ProviderCapability.UPSCALE_FLOAT, factor),
        null => new(RefineUpscaleKind.OutputSize, ProviderCapability.OUTPUT_SIZE, null),
    };

    /// <summary>OUTPUT_SIZE without a target size asks for twice the input's size.</summary>
    public const int DefaultOutputScale = 2;

    /// <summary>The size OUTPUT_SIZE asks for: the target (a missing side kept in the input's aspect), else twice the input.</summary>
    public static (int Width, int Height) OutputSize(int? targetWidth, int? targetHeight, int width, int height) => (targetWidth, targetHeight) switch
    {
        ({ } w, { } h) => (w, h),
        ({ } w, null) => (w, Math.Max(1, (int)Math.Round((double)height * w / width))),
        (null, { } h) => (Math.Max(1, (int)Math.Round((double)width * h / height)), h),
        _ => (width * DefaultOutputScale, height * DefaultOutputScale),
    };

    /// <summary>The capabilities <paramref name="capabilities"/> lack for this request, or null when they serve it.</summary>
    /// <param name="capabilities">Capability names; unknown names are ignored.</param>
    public static string? Refusal(double? upscaleFactor, bool upscaleEnabled, IEnumerable<string> capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        var set = capabilities.ToHashSet(StringComparer.Ordinal);
        if (upscaleEnabled)
        {
            var mode = For(upscaleFactor);
            if (!set.Contains(mode.Required.ToString()))
            {
                return mode.Kind == RefineUpscaleKind.OutputSize
                    ? $"without upscale_factor the provider needs capability {mode.Required} (it is not among {Describe(set)})"
                    : string.Create(CultureInfo.InvariantCulture, $"upscale_factor {mode.Factor} needs capability {mode.Required} (it is not among {Describe(set)})");
            }
        }

        return null;
    }

    private static string Describe(HashSet<string> set) => set.Count == 0 ? "no capabilities" : string.Join(", ", set.Order(StringComparer.Ordinal));
}
