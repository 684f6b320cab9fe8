namespace TaskFunctions.Core.Providers;

/// <summary>Identifies this process incarnation, so a job re-attached by a restarted worker can be told apart.</summary>
public static class WorkerIdentity
{
    public static string Current { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
}
