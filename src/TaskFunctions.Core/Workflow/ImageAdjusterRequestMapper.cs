using TaskFunctions.Core.Images;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>Maps a validated IMAGE_ADJUSTER request onto the image engine's request.</summary>
public static class ImageAdjusterRequestMapper
{
    public static AdjustRequest ToAdjustRequest(CreateImageAdjusterTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!ResizeModeNames.TryParse(task.Mode, out var mode))
        {
            throw new ArgumentException($"Unknown mode '{task.Mode}'.", nameof(task));
        }

        if (!CroppingPositionNames.TryParse(task.CroppingPosition, out var position))
        {
            throw new ArgumentException($"Unknown cropping_position '{task.CroppingPosition}'.", nameof(task));
        }

        return new AdjustRequest(mode, task.TargetWidth, task.TargetHeight, task.AspectRatio, position, EngineResampler(task.Resampling), task.Tolerance);
    }

    /// <summary>The API spells multi-word filters with underscores (catmull_rom); the engine without.</summary>
    public static string EngineResampler(string apiName)
    {
        ArgumentNullException.ThrowIfNull(apiName);
        var name = apiName.Replace("_", string.Empty, StringComparison.Ordinal);
        return ResamplerNames.TryGet(name, out _) ? name : throw new ArgumentException($"Unknown resampling '{apiName}'.", nameof(apiName));
    }
}
