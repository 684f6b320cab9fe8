using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Inputs;

/// <summary>Limits for images sent inline with a create request (section <c>Inputs</c>).</summary>
public sealed class InputOptions
{
    public const string SectionName = "Inputs";

    /// <summary>Largest decoded inline image (base64 or data URL), in bytes.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxImageBytes { get; set; } = 25L * 1024 * 1024;
}
