namespace TaskFunctions.Core.Images.Quality;

/// <summary>A face-enhancement provider, called once per attempt by <see cref="FaceEnhancementLoop"/>.</summary>
public interface IFaceEnhancer
{
    /// <summary>Enhances the face(s) in <paramref name="input"/>; <paramref name="attempt"/> counts from 1.</summary>
    /// <remarks>The attempt number lets a provider vary its settings (seed, strength) when an earlier output was refused.</remarks>
    Task<FaceEnhancement> EnhanceAsync(Stream input, int attempt, CancellationToken ct);
}
