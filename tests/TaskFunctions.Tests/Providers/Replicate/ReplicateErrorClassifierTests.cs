using System.Net;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Providers.Replicate;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Providers.Replicate;

public sealed class ReplicateErrorClassifierTests
{
    [Theory]
    [InlineData(400, ErrorCategory.VALIDATION, false)]
    [InlineData(401, ErrorCategory.AUTHENTICATION, false)]
    [InlineData(403, ErrorCategory.AUTHENTICATION, false)]
    [InlineData(404, ErrorCategory.PROVIDER_ERROR, false)]
    [InlineData(422, ErrorCategory.VALIDATION, false)]
    [InlineData(429, ErrorCategory.RATE_LIMITED, true)]
    [InlineData(500, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(502, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(503, ErrorCategory.PROVIDER_UNAVAILABLE, true)]
    [InlineData(504, ErrorCategory.TIMEOUT, true)]
    public void Classify_Status_MapsCategory(int status, ErrorCategory category, bool retryable)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        var failure = ReplicateErrorClassifier.Classify(status, response.Headers, """{"title":"T","detail":"D","status":0}""", DateTimeOffset.UtcNow);

        Assert.Equal((category, retryable), (failure.Category, failure.Retryable));
        Assert.Equal($"replicate: HTTP {status}: T: D", failure.Message);
    }

    [Theory]
    [InlineData("""{"type":"x","title":"Input validation failed","status":422,"detail":"- input.seed: must be integer"}""", "Input validation failed: - input.seed: must be integer")]
    [InlineData("""{"detail":"Request was throttled.","status":429}""", "Request was throttled.")]
    [InlineData("""{"title":"Not found","detail":"Not found: model"}""", "Not found: model")]
    [InlineData("""{"error":"bad input"}""", "bad input")]
    [InlineData("""{"detail":[{"loc":["input"],"msg":"required"}]}""", "required")]
    [InlineData("plain text gateway error", "plain text gateway error")]
    [InlineData("", null)]
    public void Describe_Bodies_GiveProviderMessage(string body, string? expected)
    {
        Assert.Equal(expected, ReplicateErrorClassifier.Describe(body));
    }

    [Fact]
    public void Classify_429WithoutHeader_ReadsWaitFromDetail()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        var failure = ReplicateErrorClassifier.Classify(429, response.Headers, """{"detail":"Request was throttled. Expected available in 2.5 seconds."}""", DateTimeOffset.UtcNow);

        Assert.Equal(TimeSpan.FromSeconds(2.5), failure.RetryAfter);
    }

    [Fact]
    public void Classify_HeaderAndDetail_HeaderWins()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "4");

        var failure = ReplicateErrorClassifier.Classify(429, response.Headers, """{"detail":"Expected available in 60 seconds."}""", DateTimeOffset.UtcNow);

        Assert.Equal(TimeSpan.FromSeconds(4), failure.RetryAfter);
    }

    [Theory]
    [InlineData("failed", "NSFW content detected. Try running it again, or try a different prompt.", ErrorCategory.CONTENT_POLICY, false)]
    [InlineData("failed", "The input or output was flagged as sensitive. Please try again with different inputs. (E005)", ErrorCategory.CONTENT_POLICY, false)]
    [InlineData("failed", "Image blocked by the safety filter", ErrorCategory.CONTENT_POLICY, false)]
    [InlineData("failed", "CUDA out of memory", ErrorCategory.PROVIDER_ERROR, true)]
    [InlineData("failed", null, ErrorCategory.PROVIDER_ERROR, true)]
    [InlineData("canceled", null, ErrorCategory.CANCELLED, false)]
    [InlineData("aborted", null, ErrorCategory.TIMEOUT, true)]
    public void ClassifyTerminal_StatusAndError_MapsCategory(string status, string? error, ErrorCategory category, bool retryable)
    {
        var failure = ReplicateErrorClassifier.ClassifyTerminal(status, error is null ? null : JsonValue.Create(error));

        Assert.Equal((category, retryable), (failure.Category, failure.Retryable));
        Assert.StartsWith("replicate: the prediction ", failure.Message, StringComparison.Ordinal);
        if (error is not null)
        {
            Assert.Contains(error, failure.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("nsfw", true)]
    [InlineData("Potential NSFW content", true)]
    [InlineData("content policy violation", true)]
    [InlineData("unsafe instructions", false)]
    [InlineData("timeout", false)]
    [InlineData(null, false)]
    public void IsContentPolicy_Message_Detects(string? message, bool expected)
    {
        Assert.Equal(expected, ReplicateErrorClassifier.IsContentPolicy(message));
    }
}
