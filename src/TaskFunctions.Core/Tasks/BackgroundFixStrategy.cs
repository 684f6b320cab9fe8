using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>How BACKGROUND_FIX moves the background colours towards the palette image.</summary>
/// <remarks>
/// The seed leaves the values open. HSV_SHIFT rotates hue/saturation of background pixels (cheap, keeps
/// texture); LAB_TRANSFER matches mean/stddev per channel in CIELAB (Reinhard transfer, better for large
/// colour distances). Both are implementable locally without a model.
/// </remarks>
[JsonConverter(typeof(JsonStringEnumConverter<BackgroundFixStrategy>))]
public enum BackgroundFixStrategy
{
    HSV_SHIFT,
    LAB_TRANSFER,
}
