using System.Diagnostics;

namespace TaskFunctions.Core.Providers;

/// <summary>Identifies this process incarnation, so a job re-attached by a restarted worker can be told apart.</summary>
public static class WorkerIdentity
{
    public static string Current { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>When this process started (wall clock): a job last touched by another worker before then was left behind by it.</summary>
    public static DateTimeOffset StartedAt { get; } = ProcessStart();

    private static DateTimeOffset ProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }
}
