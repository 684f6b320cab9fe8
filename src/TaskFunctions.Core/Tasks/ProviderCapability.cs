using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>
/// What a provider (or the app/model it runs) can do, as listed in <c>active_provider_capabilities</c> /
/// <c>fallback_provider_capabilities</c> or declared in configuration (<c>Providers:Fal:Capabilities:{TaskType}</c>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProviderCapability>))]
public enum ProviderCapability
{
    /// <summary>Upscales by exactly 2× (REFINE <c>upscale_factor</c> 2).</summary>
    UPSCALE_2X,

    /// <summary>Upscales by exactly 4× (REFINE <c>upscale_factor</c> 4).</summary>
    UPSCALE_4X,

    /// <summary>Upscales by exactly 8× (REFINE <c>upscale_factor</c> 8).</summary>
    UPSCALE_8X,

    /// <summary>Upscales by any factor (REFINE with a non-integer <c>upscale_factor</c>, e.g. 1.5).</summary>
    UPSCALE_FLOAT,

    /// <summary>Takes the wanted output size itself (REFINE without <c>upscale_factor</c>): the service sends <c>image_size</c>.</summary>
    OUTPUT_SIZE,
}
