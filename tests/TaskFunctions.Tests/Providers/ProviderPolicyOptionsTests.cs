using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Providers;

public sealed class ProviderPolicyOptionsTests
{
    [Theory]
    [InlineData(1, 2.0)]
    [InlineData(2, 4.0)]
    [InlineData(3, 8.0)]
    [InlineData(10, 30.0)]
    public void DelayBefore_ExponentialBackoff_CappedAtMaxInterval(int retry, double expectedSeconds)
    {
        var options = new ProviderRetryOptions { FirstRetryInterval = TimeSpan.FromSeconds(2), BackoffCoefficient = 2, MaxRetryInterval = TimeSpan.FromSeconds(30) };

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), options.DelayBefore(retry, null));
    }

    [Fact]
    public void DelayBefore_RetryAfterLongerThanBackoff_WaitsRetryAfter()
    {
        var options = new ProviderRetryOptions { FirstRetryInterval = TimeSpan.FromSeconds(1) };

        Assert.Equal(TimeSpan.FromSeconds(7), options.DelayBefore(1, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(1), options.DelayBefore(1, TimeSpan.FromMilliseconds(10)));
    }

    [Theory]
    [InlineData(ErrorCategory.VALIDATION, true, false, false)]
    [InlineData(ErrorCategory.CONTENT_POLICY, false, false, true)]
    [InlineData(ErrorCategory.RATE_LIMITED, true, true, true)]
    [InlineData(ErrorCategory.AUTHENTICATION, false, false, true)]
    [InlineData(ErrorCategory.CANCELLED, false, false, false)]
    public void ProviderFailure_Category_DecidesRetryAndFallback(ErrorCategory category, bool retryable, bool mayRetry, bool mayFallBack)
    {
        var failure = new ProviderFailure("x", category, retryable);

        Assert.Equal(mayRetry, failure.MayRetry);
        Assert.Equal(mayFallBack, failure.MayFallBack);
    }
}
