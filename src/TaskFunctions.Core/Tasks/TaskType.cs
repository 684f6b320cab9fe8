using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Tasks;

/// <summary>The kinds of task the API accepts; the value is the wire discriminator <c>task_type</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskType>))]
public enum TaskType
{
    GENERATION,
    EDITING,
    REFINE,
    EXPERIMENTAL_FAL,
    VIDEO_GENERATION,
    LLM_INTERACTION,
    BACKGROUND_REMOVAL,
    DETAIL_ENHANCER,
    BACKGROUND_FIX,
    IMAGE_ADJUSTER,
    FACE_ENHANCER,
}
