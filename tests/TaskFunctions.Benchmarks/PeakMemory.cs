using System.Globalization;

namespace TaskFunctions.Benchmarks;

/// <summary>
/// Peak resident memory of a code section on Linux: /proc/self/clear_refs resets the high-water mark (VmHWM),
/// so the peak reached during the section minus the resident size before it is what the section needed.
/// </summary>
public static class PeakMemory
{
    public static async Task<(T Result, long PeakBytes)> MeasureAsync<T>(Func<Task<T>> section)
    {
        ArgumentNullException.ThrowIfNull(section);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        await File.WriteAllTextAsync("/proc/self/clear_refs", "5");
        var before = Read("VmRSS");
        var result = await section();
        var peak = Read("VmHWM");
        return (result, Math.Max(0, peak - before));
    }

    private static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{field} not found in /proc/self/status");
    }
}
