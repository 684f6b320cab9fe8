using System.Diagnostics;
using System.Net;
using System.Text;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Trace;
using TaskFunctions.Core;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Telemetry;
using TaskFunctions.Tests.EndToEnd;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Api;

/// <summary>
/// When the orchestration cannot be scheduled (the Durable backend is unreachable), create answers 503 and
/// leaves nothing behind: no record, no index entity, no input blob.
/// </summary>
[Collection("Azurite")]
public sealed class TasksApiSchedulingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Create_SchedulingFails_Returns503AndRemovesRecordAndBlobs()
    {
        await using var provider = await CoreServices.BuildAsync(azurite.ConnectionString, services =>
        {
            services.AddSingleton<RecordingBlobStore>();
            services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<RecordingBlobStore>());
        });
        var store = provider.GetRequiredService<ITaskStore>();
        var blobs = provider.GetRequiredService<RecordingBlobStore>();

        // A real gRPC client whose backend is not there: scheduling fails as it would in an outage.
        using var deadChannel = GrpcChannel.ForAddress("http://127.0.0.1:9");
        await using var client = new GrpcDurableTaskClient("dead", new GrpcDurableTaskClientOptions { Channel = deadChannel }, NullLogger<GrpcDurableTaskClient>.Instance);
        var tenant = "t-" + Guid.NewGuid().ToString("N");
        var body = SampleBodies.For("IMAGE_ADJUSTER").ToJsonString();
        var context = new DefaultHttpContext { RequestServices = provider };
        context.Request.Method = "POST";
        context.Request.Headers.Authorization = "Bearer " + TestAuth.Token(tenant);
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));

        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(TaskTelemetry.SourceName).AddInMemoryExporter(spans).Build();

        var result = await provider.GetRequiredService<TasksApi>().CreateAsync(context.Request, client, ApiRoutes.CreateTask);

        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, result.StatusCode);
        tracing!.ForceFlush();
        var scheduling = spans.Where(s => s.OperationName == "orchestration.schedule").ToList();
        var taskIds = blobs.Uploaded.Select(b => b.Name.Split('/')[0]).Distinct().ToList();
        var span = Assert.Single(scheduling, s => taskIds.Contains((string)s.GetTagItem(TaskTelemetry.TaskIdTag)!));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("IMAGE_ADJUSTER", span.GetTagItem(TaskTelemetry.TaskTypeTag));
        Assert.Empty(await store.ListAsync(new TaskListQuery { Tenant = tenant, IncludeDeleted = true }));
        Assert.NotEmpty(blobs.Uploaded);
        foreach (var (container, name) in blobs.Uploaded)
        {
            Assert.Null(await blobs.OpenReadAsync(container, name));
        }
    }

    /// <summary>The real Azurite blob store, remembering what it uploaded.</summary>
    private sealed class RecordingBlobStore(Azure.Storage.Blobs.BlobServiceClient service) : IBlobStore
    {
        private readonly AzureBlobStore inner = new(service);

        public List<(string Container, string Name)> Uploaded { get; } = [];

        public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

        public async Task<string> UploadAsync(string container, string blobName, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            var path = await inner.UploadAsync(container, blobName, content, contentType, cancellationToken);
            lock (Uploaded)
            {
                Uploaded.Add((container, blobName));
            }

            return path;
        }

        public Task<Stream?> OpenReadAsync(string container, string blobName, CancellationToken cancellationToken = default) =>
            inner.OpenReadAsync(container, blobName, cancellationToken);

        public Task<BlobFileProperties?> GetPropertiesAsync(string container, string blobName, CancellationToken cancellationToken = default) =>
            inner.GetPropertiesAsync(container, blobName, cancellationToken);

        public Task<Stream?> OpenReadRangeAsync(string container, string blobName, long offset, long length, string etag, CancellationToken cancellationToken = default) =>
            inner.OpenReadRangeAsync(container, blobName, offset, length, etag, cancellationToken);

        public Task<bool> DeleteAsync(string container, string blobName, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(container, blobName, cancellationToken);

        public Task<int> DeletePrefixAsync(string container, string taskId, CancellationToken cancellationToken = default) =>
            inner.DeletePrefixAsync(container, taskId, cancellationToken);

        public Task<IReadOnlyList<string>> ListAsync(string container, string taskId, CancellationToken cancellationToken = default) =>
            inner.ListAsync(container, taskId, cancellationToken);
    }
}
