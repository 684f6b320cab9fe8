using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Workflow;

/// <summary>The local steps of multi-job kinds on Azurite: REFINE's finish and FACE_ENHANCER's SSIM gate.</summary>
[Collection("Azurite")]
public sealed class ImageStepActivitiesTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(300, 200, 300, 200)]
    [InlineData(90, null, 90, 45)]
    [InlineData(null, 10, 20, 10)]
    public async Task FinishRefine_TargetSize_StoresExactlyThatSize(int? targetWidth, int? targetHeight, int expectedWidth, int expectedHeight)
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = await StoreRefineAsync(provider, targetWidth, targetHeight);
        var source = await UploadAsync(provider, "refines", $"{id}/upscaled.png", TestImages.SplitPng(128, 64));

        var outcome = await provider.GetRequiredService<FinishRefineActivity>().RunAsync(new FinishRefineInput(id, source));

        Assert.True(outcome.Succeeded, outcome.Error);
        var path = outcome.Results!["result_image_path"].GetString()!;
        Assert.Equal($"refines/{id}/result.png", path);
        using var image = Image.Load(await DownloadAsync(provider, path));
        Assert.Equal((expectedWidth, expectedHeight), (image.Width, image.Height));
    }

    [Fact]
    public async Task FinishRefine_NoTarget_StoresThePassOutputAsItIs()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = await StoreRefineAsync(provider, null, null);
        var jpeg = TestImages.SplitJpeg(40, 30);
        var source = await UploadAsync(provider, "refines", $"{id}/face-detailed.jpg", jpeg);

        var outcome = await provider.GetRequiredService<FinishRefineActivity>().RunAsync(new FinishRefineInput(id, source));

        Assert.True(outcome.Succeeded, outcome.Error);
        var path = outcome.Results!["result_image_path"].GetString()!;
        Assert.Equal($"refines/{id}/result.jpg", path);
        Assert.Equal(jpeg, await DownloadAsync(provider, path));
    }

    [Fact]
    public async Task FinishRefine_SourceMissing_FailsAsValidation()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = await StoreRefineAsync(provider, 10, 10);

        var outcome = await provider.GetRequiredService<FinishRefineActivity>().RunAsync(new FinishRefineInput(id, $"refines/{id}/upscaled.png"));

        Assert.False(outcome.Succeeded);
        Assert.Equal(ErrorCategory.VALIDATION, outcome.Category);
    }

    [Fact]
    public async Task ScoreFaceAttempt_SameImage_IsOne()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var input = Gradient(64, 64);
        var id = await StoreFaceAsync(provider, input);
        var attempt = await UploadAsync(provider, "face-enhancements", $"{id}/attempt-1.png", input);

        var ssim = await provider.GetRequiredService<ScoreFaceAttemptActivity>().RunAsync(new FaceScoreInput(id, attempt));

        Assert.Equal(1.0, ssim, 6);
    }

    [Fact]
    public async Task ScoreFaceAttempt_UpscaledCopy_ComparesAtTheInputSize()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = await StoreFaceAsync(provider, Gradient(64, 64));
        var attempt = await UploadAsync(provider, "face-enhancements", $"{id}/attempt-1.png", Gradient(128, 128));

        var ssim = await provider.GetRequiredService<ScoreFaceAttemptActivity>().RunAsync(new FaceScoreInput(id, attempt));

        Assert.True(ssim > 0.9, $"ssim {ssim}");
    }

    [Fact]
    public async Task ScoreFaceAttempt_Noise_FallsBelowTheGate()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = await StoreFaceAsync(provider, Gradient(64, 64));
        var attempt = await UploadAsync(provider, "face-enhancements", $"{id}/attempt-1.png", Noise(64, 64));

        var ssim = await provider.GetRequiredService<ScoreFaceAttemptActivity>().RunAsync(new FaceScoreInput(id, attempt));

        Assert.True(ssim < 0.5, $"ssim {ssim}");
    }

    [Fact]
    public async Task ScoreFaceAttempt_AttemptMissing_IsTheLowestScore()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString);
        var id = await StoreFaceAsync(provider, Gradient(32, 32));

        var ssim = await provider.GetRequiredService<ScoreFaceAttemptActivity>().RunAsync(new FaceScoreInput(id, $"face-enhancements/{id}/attempt-9.png"));

        Assert.Equal(ScoreFaceAttemptActivity.Incomparable, ssim);
    }

    private static async Task<string> StoreRefineAsync(IServiceProvider provider, int? targetWidth, int? targetHeight)
    {
        var id = Guid.NewGuid().ToString();
        var request = new CreateRefineTask { OriginInstance = "tests", BaseImageUrl = "https://images.example/a.png", TargetWidth = targetWidth, TargetHeight = targetHeight };
        var document = request.ToPublic(id, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        document.Status = TaskState.RUNNING;
        await provider.GetRequiredService<ITaskStore>().CreateAsync(SeedTasks.Stored(document, "tenant"));
        return id;
    }

    private static async Task<string> StoreFaceAsync(IServiceProvider provider, byte[] input)
    {
        var id = Guid.NewGuid().ToString();
        var path = await UploadAsync(provider, "face-enhancements", $"{id}/inputs/input_image.png", input);
        var request = new CreateFaceEnhancerTask { OriginInstance = "tests", InputImage = "https://images.example/a.png" };
        var document = request.ToPublic(id, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string> { ["input_image"] = path });
        document.Status = TaskState.RUNNING;
        await provider.GetRequiredService<ITaskStore>().CreateAsync(SeedTasks.Stored(document, "tenant"));
        return id;
    }

    private static async Task<string> UploadAsync(IServiceProvider provider, string container, string name, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        return await provider.GetRequiredService<IBlobStore>().UploadAsync(container, name, content, "image/png");
    }

    private static async Task<byte[]> DownloadAsync(IServiceProvider provider, string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        await using var stream = await provider.GetRequiredService<IBlobStore>().OpenReadAsync(path[..slash], path[(slash + 1)..]);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static byte[] Gradient(int width, int height)
    {
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgba32((byte)(x * 255 / (width - 1)), (byte)(y * 255 / (height - 1)), (byte)((x + y) % 256), 255);
            }
        }

        return TestImages.Png(image);
    }

    private static byte[] Noise(int width, int height)
    {
        var random = new Random(1234);
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 255);
            }
        }

        return TestImages.Png(image);
    }
}
