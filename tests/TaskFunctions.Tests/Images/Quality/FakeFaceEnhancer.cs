using TaskFunctions.Core.Images.Quality;

namespace TaskFunctions.Tests.Images.Quality;

/// <summary>Returns scripted outputs in order and records what it was asked.</summary>
internal sealed class FakeFaceEnhancer(params FaceEnhancement[] outputs) : IFaceEnhancer
{
    public List<int> Attempts { get; } = [];

    public List<byte[]> Inputs { get; } = [];

    public async Task<FaceEnhancement> EnhanceAsync(Stream input, int attempt, CancellationToken ct)
    {
        using var copy = new MemoryStream();
        await input.CopyToAsync(copy, ct);
        Inputs.Add(copy.ToArray());
        Attempts.Add(attempt);
        return outputs[attempt - 1];
    }

    public static FaceEnhancement Output(byte[] image, bool? faceDetected = null, double? lpips = null, double? dists = null) =>
        new(image, faceDetected, lpips, dists);
}
