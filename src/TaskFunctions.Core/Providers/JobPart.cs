namespace TaskFunctions.Core.Providers;

/// <summary>Which of a task's provider jobs an attempt runs; most kinds have one (<see cref="Main"/>).</summary>
public enum JobPartKind
{
    /// <summary>The kind's one job; its output becomes the task's result fields.</summary>
    Main,

    /// <summary>BACKGROUND_REMOVAL: the image at <see cref="JobPart.Index"/> of <c>input_image_paths</c>.</summary>
    Image,

    /// <summary>REFINE's upscale pass.</summary>
    Upscale,

    /// <summary>REFINE's face-detail pass, over the upscale output when there was one.</summary>
    FaceDetail,

    /// <summary>FACE_ENHANCER: quality-loop attempt <see cref="JobPart.Index"/> (from 1).</summary>
    FaceAttempt,

    /// <summary>BACKGROUND_FIX on a photo without alpha: the background-removal job whose cut-out gives the person mask.</summary>
    Mask,
}

/// <summary>
/// One provider job of a task: its kind, its index (image or attempt number) and, for passes over an earlier output,
/// the blob path of that output. Travels through orchestration history (names only, never bytes).
/// </summary>
public sealed record JobPart(JobPartKind Kind, int Index = 0, string? Source = null)
{
    public static JobPart Main { get; } = new(JobPartKind.Main);

    /// <summary>The blob name (under the task's prefix, without extension) a non-main part's output is stored as.</summary>
    public string BlobStem => Kind switch
    {
        JobPartKind.Image => FormattableString.Invariant($"result-{Index}"),
        JobPartKind.Upscale => "upscaled",
        JobPartKind.FaceDetail => "face-detailed",
        JobPartKind.FaceAttempt => FormattableString.Invariant($"attempt-{Index}"),
        JobPartKind.Mask => "mask",
        _ => "result",
    };

    /// <summary>How errors name the part (an index into the request where there is one).</summary>
    public string? Label => Kind switch
    {
        JobPartKind.Image => FormattableString.Invariant($"input_image_paths[{Index}]"),
        JobPartKind.Upscale => "upscale pass",
        JobPartKind.FaceDetail => "face-detail pass",
        JobPartKind.FaceAttempt => FormattableString.Invariant($"attempt {Index}"),
        JobPartKind.Mask => "person mask",
        _ => null,
    };
}
