using System.Buffers.Binary;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaskFunctions.Core.Webhooks;

/// <summary>Signing, timeout and retry policy of outgoing webhooks (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    /// <summary>Waits before retries 1..7 when <see cref="RetrySchedule"/> is empty: Standard Webhooks' example, compressed to about an hour in all.</summary>
    /// <remarks>A field, not a property: the configuration binder would otherwise read (and count as a setting) a <c>Webhooks:DefaultRetrySchedule</c> key.</remarks>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule = Array.AsReadOnly(
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(15),
        TimeSpan.FromMinutes(30),
    ]);

    /// <summary>
    /// <c>whsec_</c> + base64 of 24–64 random bytes; several secrets separated by spaces sign with each of them (rotation:
    /// receivers accept any one signature). Empty: webhooks are still delivered, without <c>webhook-signature</c>, and
    /// the sender logs a warning once.
    /// </summary>
    public string SigningSecret { get; set; } = string.Empty;

    /// <summary>Budget of one delivery attempt: connect, upload and the receiver's answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Delivery attempts per webhook, the first one included.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Waits before retry 1..n; the last entry repeats. Empty means <see cref="DefaultRetrySchedule"/>.</summary>
    /// <remarks>Empty by default because the configuration binder appends to, rather than replaces, a pre-filled list.</remarks>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>Each wait is scaled by a factor in [1 - f, 1 + f), derived from the webhook id so replays agree.</summary>
    [Range(0.0, 0.5)]
    public double JitterFraction { get; set; } = 0.1;

    /// <summary>Longest Retry-After honoured; a receiver asking for more gets this.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The configured schedule, or <see cref="DefaultRetrySchedule"/> when none is configured.</summary>
    public IReadOnlyList<TimeSpan> GetRetrySchedule() => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based): the schedule entry (the last one repeats) with
    /// jitter, or the receiver's Retry-After (capped at <see cref="MaxRetryAfter"/>) when that is longer.
    /// </summary>
    /// <remarks>Pure and deterministic, so an orchestration can call it while replaying: the jitter is a hash of the webhook id and the retry number.</remarks>
    public TimeSpan DelayBeforeRetry(int retry, TimeSpan? retryAfter, string webhookId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        ArgumentNullException.ThrowIfNull(webhookId);

        IReadOnlyList<TimeSpan> schedule = GetRetrySchedule();
        TimeSpan scheduled = schedule[Math.Min(retry, schedule.Count) - 1];
        double factor = 1 + (JitterFraction * ((2 * JitterUnit(webhookId, retry)) - 1));
        var delay = TimeSpan.FromTicks((long)Math.Round(scheduled.Ticks * factor));

        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            TimeSpan honoured = asked < MaxRetryAfter ? asked : MaxRetryAfter;
            if (honoured > delay)
            {
                delay = honoured;
            }
        }

        return delay;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string[] secrets = WebhookSecret.Split(SigningSecret);
        for (int i = 0; i < secrets.Length; i++)
        {
            // The message names the position, never the secret itself: validation errors end up in logs.
            if (!WebhookSecret.TryDecode(secrets[i], out _, out string error))
            {
                string which = secrets.Length == 1 ? string.Empty : $" (secret {i + 1} of {secrets.Length})";
                yield return new ValidationResult($"Webhooks:SigningSecret{which} {error}.", [nameof(SigningSecret)]);
            }
        }

        if (RetrySchedule.Count > 50)
        {
            yield return new ValidationResult("Webhooks:RetrySchedule may list at most 50 waits.", [nameof(RetrySchedule)]);
        }

        if (RetrySchedule.Any(wait => wait < TimeSpan.Zero || wait > TimeSpan.FromDays(1)))
        {
            yield return new ValidationResult("Webhooks:RetrySchedule waits must be between 0 and 1 day.", [nameof(RetrySchedule)]);
        }
    }

    /// <summary>A number in [0, 1) from SHA-256 of the id and retry: stable across processes, unlike string.GetHashCode or Random.</summary>
    private static double JitterUnit(string webhookId, int retry)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(webhookId + "\n" + retry.ToString(CultureInfo.InvariantCulture)), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
