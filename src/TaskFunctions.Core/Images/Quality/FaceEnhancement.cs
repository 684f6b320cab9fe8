namespace TaskFunctions.Core.Images.Quality;

/// <summary>One provider output: the encoded image and whatever the provider reported about it.</summary>
/// <param name="Image">The enhanced image, PNG, JPEG or WebP; untrusted until decoded.</param>
/// <param name="FaceDetected">Whether the provider found a face; null when it does not say.</param>
/// <param name="LpipsScore">LPIPS distance to the input as reported by the provider (lower is closer); null when not reported.</param>
/// <param name="DistsScore">DISTS distance to the input as reported by the provider (lower is closer); null when not reported.</param>
public sealed record FaceEnhancement(byte[] Image, bool? FaceDetected, double? LpipsScore, double? DistsScore);
