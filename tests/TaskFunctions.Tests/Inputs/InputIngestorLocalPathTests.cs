using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Inputs;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Inputs;

/// <summary>Local-path inputs with Outbound:LocalPathRoot set: only files below the root are read; escapes are 422s.</summary>
[Collection("Azurite")]
public sealed class InputIngestorLocalPathTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("taskfunctions-root-").FullName;
    private readonly string outside = Directory.CreateTempSubdirectory("taskfunctions-outside-").FullName;

    public static TheoryData<string> Escapes => new()
    {
        "../outside.png",
        "sub/../../outside.png",
        "/etc/passwd",
        "linked-outside/secret.png",
        "link-to-outside.png",
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task PlanAsync_PathEscapingTheRoot_Returns422AtTheField(string path)
    {
        await using var provider = await ProviderAsync();

        var plan = await provider.GetRequiredService<InputIngestor>().PlanAsync(Request(path), CancellationToken.None);

        var error = Assert.Single(plan.Errors);
        Assert.Equal(["body", "input_image"], error.Loc);
        Assert.Equal("value_error", error.Type);
        Assert.Empty(plan.Inline);
    }

    [Fact]
    public async Task PlanAsync_ImageBelowTheRoot_IsReadAndChecked()
    {
        await using var provider = await ProviderAsync();

        var plan = await provider.GetRequiredService<InputIngestor>().PlanAsync(Request("photos/in.png"), CancellationToken.None);

        Assert.Empty(plan.Errors);
        var image = Assert.Single(plan.Inline);
        Assert.Equal("image/png", image.ContentType);
        Assert.Equal(TestImages.SplitPng(20, 10), image.Bytes);
    }

    [Fact]
    public async Task PlanAsync_MissingFileBelowTheRoot_Returns422()
    {
        await using var provider = await ProviderAsync();

        var plan = await provider.GetRequiredService<InputIngestor>().PlanAsync(Request("photos/missing.png"), CancellationToken.None);

        Assert.Contains("not found", Assert.Single(plan.Errors).Msg, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(root, recursive: true);
        Directory.Delete(outside, recursive: true);
    }

    private async Task<ServiceProvider> ProviderAsync()
    {
        Directory.CreateDirectory(Path.Combine(root, "photos"));
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(root, "photos", "in.png"), TestImages.SplitPng(20, 10));
        await File.WriteAllBytesAsync(Path.Combine(outside, "secret.png"), TestImages.SplitPng(20, 10));
        if (!Directory.Exists(Path.Combine(root, "linked-outside")))
        {
            Directory.CreateSymbolicLink(Path.Combine(root, "linked-outside"), outside);
            File.CreateSymbolicLink(Path.Combine(root, "link-to-outside.png"), Path.Combine(outside, "secret.png"));
        }

        return await CoreServices.BuildAsync(azurite.ConnectionString, extraSettings: new Dictionary<string, string?> { ["Outbound:LocalPathRoot"] = root });
    }

    private static CreateImageAdjusterTask Request(string path) =>
        new() { OriginInstance = "tests", InputImage = path, TargetWidth = 8, TargetHeight = 8 };
}
