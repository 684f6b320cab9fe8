namespace TaskFunctions.Core.Images.Quality;

/// <summary>How the quality loop varies a face restorer's settings from one attempt to the next.</summary>
public static class FaceAttempts
{
    /// <summary>
    /// The restorer's fidelity weight (0–1) for attempt <paramref name="attempt"/> (from 1): later attempts keep more of
    /// the input — 0.5, 0.7, 0.9, then 1 — since an attempt is repeated only when the last one drifted from the face.
    /// </summary>
    public static double Fidelity(int attempt) => Math.Min(1.0, 0.5 + (0.2 * Math.Max(0, attempt - 1)));
}
