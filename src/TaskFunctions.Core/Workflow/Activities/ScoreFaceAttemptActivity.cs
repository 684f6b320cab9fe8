using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.Quality;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// FACE_ENHANCER's gate for one attempt: SSIM of the stored attempt output against the task's input image (see
/// <see cref="FaceEnhancementLoop.SimilarityAsync"/>). An output that cannot be compared scores -1, the lowest SSIM,
/// so it is never chosen over a comparable one.
/// </summary>
public sealed class ScoreFaceAttemptActivity(ITaskStore store, InputImages images, FaceEnhancementLoop quality) : ITaskActivity<FaceScoreInput, double>
{
    public const double Incomparable = -1;

    public async Task<double> RunAsync(FaceScoreInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await store.GetAsync(input.TaskId, cancellationToken);
        if (stored is null || TaskJson.DeserializeDocument(stored.Document) is not FaceEnhancerTaskPublic task)
        {
            return Incomparable;
        }

        try
        {
            var original = await images.ReadAsync("input_image", task.InputImagePath, cancellationToken);
            var enhanced = await images.ReadAsync("attempt output", input.AttemptPath, cancellationToken);
            return await quality.SimilarityAsync(original, enhanced, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidImageException or ProviderException)
        {
            return Incomparable;
        }
    }
}
