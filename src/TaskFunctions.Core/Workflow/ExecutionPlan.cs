namespace TaskFunctions.Core.Workflow;

/// <summary>How a kind's work is laid out in provider jobs and local steps.</summary>
public enum WorkflowShape
{
    /// <summary>One provider job (or one local step) whose output is the result.</summary>
    Single,

    /// <summary>BACKGROUND_REMOVAL: one job per input image, all of which must succeed.</summary>
    Batch,

    /// <summary>REFINE: an upscale pass and/or a face-detail pass, each a job over the previous output, then a local finish.</summary>
    Passes,

    /// <summary>FACE_ENHANCER: jobs scored by SSIM against the input until one passes or the attempts run out.</summary>
    QualityLoop,
}

/// <summary>The face-quality gate in force when the task started (carried in history, so replays see the same).</summary>
public sealed record QualityGate(int MaxAttempts, double MinSsim);

/// <summary>
/// The providers to try in order, whether a webhook is to be sent at the end, and the shape of the kind's work:
/// <see cref="BatchSize"/> images for <see cref="WorkflowShape.Batch"/>, which passes run for
/// <see cref="WorkflowShape.Passes"/>, the gate of <see cref="WorkflowShape.QualityLoop"/>, and the provider that
/// makes a person mask when a LOCAL background fix needs one (<see cref="MaskStage"/>).
/// </summary>
public sealed record ExecutionPlan(
    IReadOnlyList<ProviderStage> Stages,
    bool HasWebhook,
    WorkflowShape Shape = WorkflowShape.Single,
    int BatchSize = 0,
    bool Upscale = false,
    bool FaceDetail = false,
    QualityGate? Quality = null,
    ProviderStage? MaskStage = null);
