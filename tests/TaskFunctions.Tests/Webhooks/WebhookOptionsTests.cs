using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Webhooks;

namespace TaskFunctions.Tests.Webhooks;

public sealed class WebhookOptionsTests
{
    private static List<ValidationResult> Validate(WebhookOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        // Arrange: no secret means unsigned delivery, which is allowed.
        var options = new WebhookOptions();

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Empty(results);
        Assert.Equal(TimeSpan.FromSeconds(15), options.Timeout);
        Assert.Equal(8, options.MaxAttempts);
        Assert.Equal(0.1, options.JitterFraction);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(64)]
    public void Validate_SecretOfAllowedLength_IsValid(int bytes)
    {
        // Arrange
        var options = new WebhookOptions { SigningSecret = WebhookTestSecrets.Random(bytes) };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Empty(results);
    }

    [Fact]
    public void Validate_TwoValidSecrets_IsValid()
    {
        // Arrange
        var options = new WebhookOptions { SigningSecret = WebhookTestSecrets.Random() + "  " + WebhookTestSecrets.Vector };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Empty(results);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_")]
    [InlineData("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_")]
    [InlineData("whsec_not*base64!!", "base64")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "base64")]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "24 to 64 bytes")]
    public void Validate_MalformedSecret_IsInvalid(string secret, string expectedReason)
    {
        // Arrange
        var options = new WebhookOptions { SigningSecret = secret };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        ValidationResult error = Assert.Single(results);
        Assert.Contains(nameof(WebhookOptions.SigningSecret), error.MemberNames);
        Assert.Contains(expectedReason, error.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.ErrorMessage!, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SecretTooShort_IsInvalid()
    {
        // Arrange: 23 bytes, one below the Standard Webhooks minimum.
        var options = new WebhookOptions { SigningSecret = WebhookTestSecrets.Random(23) };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Contains("24 to 64 bytes", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SecretTooLong_IsInvalid()
    {
        // Arrange
        var options = new WebhookOptions { SigningSecret = WebhookTestSecrets.Random(65) };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Single(results);
    }

    [Fact]
    public void Validate_OneBadSecretAmongTwo_IsInvalidNamingItsPosition()
    {
        // Arrange
        var options = new WebhookOptions { SigningSecret = WebhookTestSecrets.Random() + " whsec_short" };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Contains("secret 2 of 2", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:05:00")]
    public void Validate_TimeoutOutOfRange_IsInvalid(string timeout)
    {
        // Arrange
        var options = new WebhookOptions { Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Contains(nameof(WebhookOptions.Timeout), Assert.Single(results).MemberNames);
    }

    [Fact]
    public void Validate_NegativeScheduleEntry_IsInvalid()
    {
        // Arrange
        var options = new WebhookOptions { RetrySchedule = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(-1)] };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Contains(nameof(WebhookOptions.RetrySchedule), Assert.Single(results).MemberNames);
    }

    [Fact]
    public void DelayBeforeRetry_NoJitter_FollowsScheduleAndRepeatsLastEntry()
    {
        // Arrange
        var options = new WebhookOptions { JitterFraction = 0 };

        // Act
        TimeSpan[] delays = [.. Enumerable.Range(1, 9).Select(retry => options.DelayBeforeRetry(retry, null, "wh_1"))];

        // Assert
        Assert.Equal(
            [
                TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5),
                TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30),
                TimeSpan.FromMinutes(30),
            ],
            delays);
    }

    [Fact]
    public void DelayBeforeRetry_ConfiguredSchedule_ReplacesDefault()
    {
        // Arrange
        var options = new WebhookOptions { JitterFraction = 0, RetrySchedule = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)] };

        // Act
        TimeSpan third = options.DelayBeforeRetry(3, null, "wh_1");

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(2), third);
    }

    [Fact]
    public void DelayBeforeRetry_DefaultSchedule_TotalsAboutAnHourOverEightAttempts()
    {
        // Arrange: eight attempts means seven waits.
        var options = new WebhookOptions();

        // Act
        TimeSpan total = TimeSpan.FromTicks(Enumerable.Range(1, options.MaxAttempts - 1).Sum(retry => options.DelayBeforeRetry(retry, null, "wh_total").Ticks));

        // Assert: 62.6 min without jitter, +-10 % with it.
        Assert.InRange(total, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(70));
        Assert.Equal(TimeSpan.FromSeconds(3755), TimeSpan.FromTicks(WebhookOptions.DefaultRetrySchedule.Sum(d => d.Ticks)));
    }

    [Fact]
    public void DelayBeforeRetry_LongerRetryAfter_IsHonoured()
    {
        // Arrange
        var options = new WebhookOptions();

        // Act
        TimeSpan delay = options.DelayBeforeRetry(1, TimeSpan.FromSeconds(90), "wh_1");

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(90), delay);
    }

    [Fact]
    public void DelayBeforeRetry_ShorterRetryAfter_KeepsSchedule()
    {
        // Arrange
        var options = new WebhookOptions { JitterFraction = 0 };

        // Act
        TimeSpan delay = options.DelayBeforeRetry(4, TimeSpan.FromSeconds(3), "wh_1");

        // Assert
        Assert.Equal(TimeSpan.FromMinutes(5), delay);
    }

    [Fact]
    public void DelayBeforeRetry_HugeRetryAfter_IsCappedAtMaxRetryAfter()
    {
        // Arrange
        var options = new WebhookOptions();

        // Act
        TimeSpan delay = options.DelayBeforeRetry(2, TimeSpan.FromDays(2), "wh_1");

        // Assert
        Assert.Equal(TimeSpan.FromHours(1), delay);
    }

    [Fact]
    public void DelayBeforeRetry_SameIdAndRetry_IsDeterministic()
    {
        // Arrange: two option instances stand for two replays of an orchestration, possibly on different workers.
        var first = new WebhookOptions();
        var second = new WebhookOptions();

        // Act
        TimeSpan a = first.DelayBeforeRetry(3, null, "wh_replay");
        TimeSpan b = second.DelayBeforeRetry(3, null, "wh_replay");

        // Assert
        Assert.Equal(a, b);
    }

    [Fact]
    public void DelayBeforeRetry_ManyIds_JitterStaysWithinFractionAndSpreads()
    {
        // Arrange
        var options = new WebhookOptions { JitterFraction = 0.1 };
        TimeSpan scheduled = TimeSpan.FromMinutes(2);

        // Act
        TimeSpan[] delays = [.. Enumerable.Range(0, 1000).Select(i => options.DelayBeforeRetry(3, null, "wh_" + i))];

        // Assert
        Assert.All(delays, d => Assert.InRange(d, scheduled * 0.9, scheduled * 1.1));
        Assert.True(delays.Distinct().Count() > 900, "jitter should spread deliveries of different webhooks");
        Assert.Contains(delays, d => d < scheduled * 0.95);
        Assert.Contains(delays, d => d > scheduled * 1.05);
    }

    [Fact]
    public void DelayBeforeRetry_RetryZero_Throws()
    {
        // Arrange
        var options = new WebhookOptions();

        // Act & Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => options.DelayBeforeRetry(0, null, "wh_1"));
    }
}
