using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>Who executes a task.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProviderType>))]
public enum ProviderType
{
    FAL,
    REPLICATE,
    OPENAI,
    COMFYUI,
    LOCAL,
}
