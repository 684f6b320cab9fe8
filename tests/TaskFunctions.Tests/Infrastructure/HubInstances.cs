using Azure.Data.Tables;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>A task's orchestration as the Durable hub's Instances table shows it (the Azure Storage backend's own record).</summary>
public static class HubInstances
{
    /// <summary>The orchestration's RuntimeStatus (Pending, Running, Completed, Failed, Terminated, …), or null when it has no row.</summary>
    public static async Task<string?> RuntimeStatusAsync(string storageConnectionString, string hub, string instanceId)
    {
        var table = new TableServiceClient(storageConnectionString).GetTableClient(hub + "Instances");
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId))
        {
            return row.GetString("RuntimeStatus") ?? "(row)";
        }

        return null;
    }

    /// <summary>
    /// Waits until the orchestration has ended (Completed, Failed or Terminated) and returns that status. An ended
    /// orchestration schedules no further step, so whatever the workflow would still have done has happened by then: the
    /// observable event tests wait on before asserting that something did not happen.
    /// </summary>
    public static async Task<string> WaitForEndAsync(string storageConnectionString, string hub, string instanceId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await RuntimeStatusAsync(storageConnectionString, hub, instanceId);
            if (status is "Completed" or "Failed" or "Terminated")
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"orchestration {instanceId} did not end within {timeout.TotalSeconds:0} s (last status: {status ?? "no row"})");
            await Task.Delay(100);
        }
    }
}
