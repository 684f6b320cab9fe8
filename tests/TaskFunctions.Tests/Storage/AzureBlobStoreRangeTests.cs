using System.Text;
using Azure.Storage.Blobs;
using TaskFunctions.Core.Storage;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Storage;

/// <summary>The file-serving reads of <see cref="AzureBlobStore"/>: properties and ETag-pinned ranges.</summary>
[Collection("Azurite")]
public sealed class AzureBlobStoreRangeTests(AzuriteFixture azurite) : IAsyncLifetime
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
    public async Task GetPropertiesAsync_StoredBlob_ReturnsTypeLengthAndQuotedETag()
    {
        var name = $"{Guid.NewGuid()}/result.png";
        using var content = new MemoryStream(Encoding.ASCII.GetBytes("0123456789"));
        await _store.UploadAsync(_container, name, content, "image/png");

        var properties = await _store.GetPropertiesAsync(_container, name);

        Assert.NotNull(properties);
        Assert.Equal("image/png", properties.ContentType);
        Assert.Equal(10, properties.Length);
        Assert.StartsWith("\"", properties.ETag, StringComparison.Ordinal);
        Assert.EndsWith("\"", properties.ETag, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPropertiesAsync_MissingBlob_ReturnsNull()
    {
        Assert.Null(await _store.GetPropertiesAsync(_container, $"{Guid.NewGuid()}/missing.png"));
    }

    [Fact]
    public async Task OpenReadRangeAsync_CurrentETag_StreamsThatRange()
    {
        var name = $"{Guid.NewGuid()}/result.bin";
        using var content = new MemoryStream(Encoding.ASCII.GetBytes("0123456789"));
        await _store.UploadAsync(_container, name, content, "application/octet-stream");
        var properties = (await _store.GetPropertiesAsync(_container, name))!;

        await using var stream = await _store.OpenReadRangeAsync(_container, name, 3, 4, properties.ETag);
        using var reader = new StreamReader(stream!);

        Assert.Equal("3456", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task OpenReadRangeAsync_BlobChangedOrGone_ReturnsNull()
    {
        var name = $"{Guid.NewGuid()}/result.bin";
        using (var first = new MemoryStream(Encoding.ASCII.GetBytes("first")))
        {
            await _store.UploadAsync(_container, name, first, "application/octet-stream");
        }

        var stale = (await _store.GetPropertiesAsync(_container, name))!.ETag;
        using (var second = new MemoryStream(Encoding.ASCII.GetBytes("second")))
        {
            await _store.UploadAsync(_container, name, second, "application/octet-stream");
        }

        var changed = await _store.OpenReadRangeAsync(_container, name, 0, 5, stale);
        await _store.DeleteAsync(_container, name);
        var gone = await _store.OpenReadRangeAsync(_container, name, 0, 5, stale);

        Assert.Null(changed);
        Assert.Null(gone);
    }
}
