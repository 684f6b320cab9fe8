namespace TaskFunctions.Core.Images.Quality;

/// <summary>The output chosen by <see cref="FaceEnhancementLoop"/> and its scores (the task's <c>final_*</c> fields).</summary>
/// <param name="Image">Encoded bytes of the chosen attempt's output, exactly as the provider returned them.</param>
/// <param name="AttemptsUsed">How many times the provider was called (<c>attempts_used</c>).</param>
/// <param name="FinalSsimScore">SSIM of the chosen output against the input (<c>final_ssim_score</c>).</param>
/// <param name="FinalLpipsScore">The chosen attempt's provider-reported LPIPS, or null (<c>final_lpips_score</c>).</param>
/// <param name="FinalDistsScore">The chosen attempt's provider-reported DISTS, or null (<c>final_dists_score</c>).</param>
/// <param name="FaceDetected">The provider's face detection verdict, or null if it never gave one (<c>face_detected</c>).</param>
/// <param name="PassedThreshold">True when <see cref="FinalSsimScore"/> reached <see cref="FaceQualityOptions.MinSsim"/>.</param>
public sealed record FaceEnhancementOutcome(
    byte[] Image,
    int AttemptsUsed,
    double FinalSsimScore,
    double? FinalLpipsScore,
    double? FinalDistsScore,
    bool? FaceDetected,
    bool PassedThreshold);
