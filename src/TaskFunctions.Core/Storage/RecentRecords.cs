namespace TaskFunctions.Core.Storage;

/// <summary>
/// Copies of the task records this process last read or wrote, so that a workflow step following another step of the
/// same task can start from the record as it was left instead of reading it again (<see cref="ITaskStore.Recent"/>).
/// </summary>
/// <remarks>
/// A copy may be stale (another process wrote the record since); that is safe only where the caller either writes
/// If-Match the copy's ETag (a stale copy then costs one lost race and a fresh read) or checks the copy against what it
/// knows for certain. Bounded by entry count and total document size; the oldest copies go first. Documents larger
/// than <see cref="MaxDocumentChars"/> are never kept.
/// </remarks>
internal sealed class RecentRecords(int capacity = RecentRecords.DefaultCapacity, long budgetChars = RecentRecords.DefaultBudgetChars)
{
    public const int DefaultCapacity = 4096;

    public const long DefaultBudgetChars = 8L * 1024 * 1024;

    public const int MaxDocumentChars = 32 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (StoredTask Copy, long Stamp)> _copies = new(StringComparer.Ordinal);

    // One slot per Remember, oldest first; a slot whose stamp is no longer its entry's is a leftover and skipped.
    private Queue<(string Id, long Stamp)> _order = new();
    private long _chars;
    private long _stamp;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _copies.Count;
            }
        }
    }

    /// <summary>A private copy of the record as this process last saw it, or null.</summary>
    public StoredTask? Get(string id)
    {
        lock (_gate)
        {
            return _copies.TryGetValue(id, out var entry) ? entry.Copy.Copy() : null;
        }
    }

    /// <summary>Keeps a copy of <paramref name="task"/> as just read or written (its ETag current as of now).</summary>
    public void Remember(StoredTask task)
    {
        if (task.Document.Length > MaxDocumentChars || task.ETag == default)
        {
            Forget(task.Id);
            return;
        }

        var copy = task.Copy();
        lock (_gate)
        {
            RemoveLocked(copy.Id);
            var stamp = ++_stamp;
            _copies[copy.Id] = (copy, stamp);
            _chars += copy.Document.Length;
            _order.Enqueue((copy.Id, stamp));
            if (_order.Count > (2 * capacity) + 16)
            {
                // Mostly leftovers of records written again: keep each record's latest slot only (amortised O(1)).
                _order = new Queue<(string Id, long Stamp)>(_order.Where(slot => _copies.TryGetValue(slot.Id, out var entry) && entry.Stamp == slot.Stamp));
            }

            while ((_copies.Count > capacity || _chars > budgetChars) && _order.Peek().Stamp != stamp)
            {
                var (oldest, slot) = _order.Dequeue();
                if (_copies.TryGetValue(oldest, out var entry) && entry.Stamp == slot)
                {
                    RemoveLocked(oldest);
                }
            }
        }
    }

    /// <summary>Drops the copy of <paramref name="id"/> (the record is gone, or a write showed the copy stale).</summary>
    public void Forget(string id)
    {
        lock (_gate)
        {
            RemoveLocked(id);
        }
    }

    private void RemoveLocked(string id)
    {
        if (_copies.Remove(id, out var entry))
        {
            _chars -= entry.Copy.Document.Length;
        }
    }
}
