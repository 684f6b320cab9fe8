using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.Subject;
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

    /// <summary>Whether the request needs subject detection (margins or a reference image) rather than plain reframing.</summary>
    public static bool UsesMargins(CreateImageAdjusterTask task, bool hasReference)
    {
        ArgumentNullException.ThrowIfNull(task);
        return hasReference || !Margins(task).IsEmpty;
    }

    /// <summary>The margin engine's request; <paramref name="reference"/> derives the margins from a reference image.</summary>
    public static MarginRequest ToMarginRequest(CreateImageAdjusterTask task, Stream? reference)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!ScalingProportionsNames.TryParse(task.ScalingProportions, out var proportions))
        {
            throw new ArgumentException($"Unknown scaling_proportions '{task.ScalingProportions}'.", nameof(task));
        }

        return new MarginRequest(task.TargetWidth, task.TargetHeight, task.AspectRatio, Margins(task), proportions, EngineResampler(task.Resampling), task.Tolerance, reference);
    }

    private static MarginSet Margins(CreateImageAdjusterTask task) => new(task.MarginTop, task.MarginBottom, task.MarginLeft, task.MarginRight);

    /// <summary>The API spells multi-word filters with underscores (catmull_rom); the engine without.</summary>
    public static string EngineResampler(string apiName)
    {
        ArgumentNullException.ThrowIfNull(apiName);
        var name = apiName.Replace("_", string.Empty, StringComparison.Ordinal);
        return ResamplerNames.TryGet(name, out _) ? name : throw new ArgumentException($"Unknown resampling '{apiName}'.", nameof(apiName));
    }
}
