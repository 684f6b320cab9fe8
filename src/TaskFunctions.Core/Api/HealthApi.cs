using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;

namespace TaskFunctions.Core.Api;

/// <summary>Unauthenticated liveness/readiness: storage reachability only, no secrets or configuration.</summary>
public sealed class HealthApi(TableServiceClient tables, BlobServiceClient blobs)
{
    public async Task<ApiResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var tableOk = await ProbeAsync(async ct => { await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: ct)) { break; } }, timeout.Token);
        var blobOk = await ProbeAsync(async ct => { await foreach (var _ in blobs.GetBlobContainersAsync(cancellationToken: ct)) { break; } }, timeout.Token);
        var healthy = tableOk && blobOk;
        return ApiResult.Json(
            healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            new { status = healthy ? "healthy" : "unhealthy", checks = new { table_storage = tableOk ? "ok" : "unreachable", blob_storage = blobOk ? "ok" : "unreachable" } },
            new System.Text.Json.JsonSerializerOptions());
    }

    private static async Task<bool> ProbeAsync(Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        try
        {
            await probe(cancellationToken);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
