using System.Text;
using Azure.Storage.Blobs;
using TaskFunctions.Core.Storage;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Storage;

[Collection("Azurite")]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly BlobServiceClient _service = new(azurite.ConnectionString);
    private readonly string _container = "test-" + Guid.NewGuid().ToString("N");
    private AzureBlobStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new AzureBlobStore(_service);
        await _service.GetBlobContainerClient(_container).CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync() => await _service.GetBlobContainerClient(_container).DeleteIfExistsAsync();

    [Fact]
    public async Task InitializeAsync_Always_CreatesEveryTaskContainer()
    {
        await _store.InitializeAsync();

        foreach (var name in AzureBlobStore.TaskContainers)
        {
            Assert.True((await _service.GetBlobContainerClient(name).ExistsAsync()).Value, name);
        }
    }

    [Fact]
    public void TaskContainers_Always_HoldsOneValidContainerPerTaskKind()
    {
        Assert.Equal(11, AzureBlobStore.TaskContainers.Count);
        Assert.Equal(AzureBlobStore.TaskContainers.Count, AzureBlobStore.TaskContainers.Distinct().Count());
        Assert.Contains("generations", AzureBlobStore.TaskContainers);
        Assert.All(AzureBlobStore.TaskContainers, name => Assert.Matches("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$", name));
    }

    [Fact]
    public async Task UploadAsync_NewBlob_ReturnsPathAndStoresContentAndType()
    {
        var taskId = Guid.NewGuid().ToString();
        using var content = new MemoryStream(Encoding.UTF8.GetBytes("png-bytes"));

        var path = await _store.UploadAsync(_container, $"{taskId}/inputs/image.png", content, "image/png");

        Assert.Equal($"{_container}/{taskId}/inputs/image.png", path);
        var properties = await _service.GetBlobContainerClient(_container).GetBlobClient($"{taskId}/inputs/image.png").GetPropertiesAsync();
        Assert.Equal("image/png", properties.Value.ContentType);
        Assert.Equal("png-bytes", await ReadAsync(_container, $"{taskId}/inputs/image.png"));
    }

    [Fact]
    public async Task UploadAsync_ExistingBlob_Overwrites()
    {
        var name = $"{Guid.NewGuid()}/out.txt";
        await UploadTextAsync(name, "first");

        await UploadTextAsync(name, "second");

        Assert.Equal("second", await ReadAsync(_container, name));
    }

    [Fact]
    public async Task OpenReadAsync_MissingBlob_ReturnsNull()
    {
        var stream = await _store.OpenReadAsync(_container, $"{Guid.NewGuid()}/missing.png");

        Assert.Null(stream);
    }

    [Fact]
    public async Task OpenReadAsync_MissingContainer_ReturnsNull()
    {
        var stream = await _store.OpenReadAsync("missing-" + Guid.NewGuid().ToString("N"), "x/y.png");

        Assert.Null(stream);
    }

    [Fact]
    public async Task DeletePrefixAsync_TaskPrefix_DeletesOnlyThatTasksBlobs()
    {
        await UploadTextAsync("t1/a.png", "a");
        await UploadTextAsync("t1/inputs/b.png", "b");
        await UploadTextAsync("t10/c.png", "c");
        await UploadTextAsync("t2/d.png", "d");

        var deleted = await _store.DeletePrefixAsync(_container, "t1");

        Assert.Equal(2, deleted);
        Assert.Empty(await _store.ListAsync(_container, "t1"));
        Assert.Equal(["t10/c.png"], await _store.ListAsync(_container, "t10"));
        Assert.Equal(["t2/d.png"], await _store.ListAsync(_container, "t2"));
    }

    [Fact]
    public async Task DeletePrefixAsync_MissingContainer_ReturnsZero()
    {
        var deleted = await _store.DeletePrefixAsync("missing-" + Guid.NewGuid().ToString("N"), "t1");

        Assert.Equal(0, deleted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    public async Task DeletePrefixAsync_InvalidTaskId_ThrowsArgumentException(string taskId)
    {
        await UploadTextAsync("a/b/c.png", "c");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.DeletePrefixAsync(_container, taskId));

        Assert.Single(await _store.ListAsync(_container, "a"));
    }

    [Fact]
    public async Task ListAsync_TaskWithNestedBlobs_ReturnsAllNamesUnderPrefix()
    {
        await UploadTextAsync("t3/result.png", "r");
        await UploadTextAsync("t3/inputs/source.png", "s");

        var names = await _store.ListAsync(_container, "t3");

        Assert.Equal(["t3/inputs/source.png", "t3/result.png"], names.Order());
    }

    private async Task UploadTextAsync(string name, string text)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await _store.UploadAsync(_container, name, content, "text/plain");
    }

    private async Task<string?> ReadAsync(string container, string name)
    {
        await using var stream = await _store.OpenReadAsync(container, name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
