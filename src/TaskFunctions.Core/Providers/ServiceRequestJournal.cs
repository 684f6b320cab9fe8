using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers;

/// <summary>Appends outbound calls to a task's <c>service_requests</c>, keeping the newest ones within a fixed bound.</summary>
public static class ServiceRequestJournal
{
    /// <summary>Long video jobs poll many times; the record keeps the newest calls only (and a marker of how many were dropped).</summary>
    public const int MaxEntries = 100;

    public static void Append(TaskPublicBase task, IEnumerable<ServiceRequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(records);
        var list = task.Internal.ServiceRequests ??= [];
        foreach (var record in records)
        {
            list.Add(record.ToJson());
        }

        if (list.Count > MaxEntries)
        {
            list.RemoveRange(0, list.Count - MaxEntries);
        }
    }
}
