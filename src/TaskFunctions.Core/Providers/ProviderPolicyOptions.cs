using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Providers;

/// <summary>How often a provider is retried (section <c>Providers:{Name}:Retry</c>).</summary>
public sealed class ProviderRetryOptions
{
    /// <summary>Attempts on this provider, the first one included.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FirstRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1.0, 10.0)]
    public double BackoffCoefficient { get; set; } = 2.0;

    [Range(typeof(TimeSpan), "00:00:00", "06:00:00")]
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based), at least the provider's Retry-After.</summary>
    public TimeSpan DelayBefore(int retry, TimeSpan? retryAfter)
    {
        var backoff = FirstRetryInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, Math.Max(0, retry - 1));
        var delay = TimeSpan.FromMilliseconds(Math.Min(backoff, MaxRetryInterval.TotalMilliseconds));
        return retryAfter is { } asked && asked > delay ? asked : delay;
    }
}

/// <summary>How a running provider job is watched (section <c>Providers:{Name}:Polling</c>).</summary>
public sealed class ProviderPollingOptions
{
    /// <summary>Wait before the first status poll; each later wait grows by <see cref="Backoff"/> up to <see cref="MaxInterval"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan FirstInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1.0, 10.0)]
    public double Backoff { get; set; } = 1.5;

    [Range(typeof(TimeSpan), "00:00:00.050", "00:30:00")]
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a job may take from submit to result before the attempt fails with TIMEOUT (image jobs).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The same for VIDEO_GENERATION, whose jobs run for minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan VideoDeadline { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A poll by another process incarnation after at least this long (or three <see cref="MaxInterval"/>s, whichever is
    /// longer) since the previous one means the job was left and picked up again: the task is marked resumed. A poll by a
    /// process that started after the previous poll is a resume whatever the gap (a restarted or replacement worker).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResumeGap { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Consecutive status polls that may fail transiently (5xx, network) before the attempt is given up.</summary>
    [Range(0, 100)]
    public int MaxPollFailures { get; set; } = 5;
}
