using System.Net;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Providers.Fal;

public sealed class FalErrorClassifierTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Classify_422DetailList_IsValidationWithJoinedMessages()
    {
        const string body = """
            {"detail":[{"loc":["body","prompt"],"msg":"Field required","type":"missing"},
                       {"loc":["body","image_size","width"],"msg":"Input should be less than 4096","type":"less_than"}]}
            """;

        var failure = Classify(422, body);

        Assert.Equal(ErrorCategory.VALIDATION, failure.Category);
        Assert.False(failure.Retryable);
        Assert.Equal("fal: HTTP 422: prompt: Field required; image_size.width: Input should be less than 4096 [missing, less_than]", failure.Message);
    }

    [Fact]
    public void Classify_ContentPolicyViolation_IsContentPolicyNotRetryable()
    {
        const string body = """{"detail":[{"loc":["body","prompt"],"msg":"The content could not be processed because it contained material flagged by a content checker.","type":"content_policy_violation","input":"secret prompt"}]}""";

        var failure = Classify(422, body);

        Assert.Equal(ErrorCategory.CONTENT_POLICY, failure.Category);
        Assert.False(failure.Retryable);
        Assert.Contains("flagged by a content checker", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret prompt", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image_too_large")]
    [InlineData("file_download_error")]
    [InlineData("some_new_input_error")]
    public void Classify_4xxDetailType_IsValidation(string type)
    {
        var body = $$"""{"detail":[{"loc":["body","image_url"],"msg":"bad image","type":"{{type}}","url":"https://example.com/x.png"}]}""";

        var failure = Classify(400, body, ("X-Fal-Retryable", "true"));

        Assert.Equal(ErrorCategory.VALIDATION, failure.Category);
        Assert.False(failure.Retryable);
    }

    [Fact]
    public void Classify_GenerationTimeout_IsRetryableTimeout()
    {
        var failure = Classify(504, """{"detail":[{"loc":["body"],"msg":"Generation timed out","type":"generation_timeout"}]}""");

        Assert.Equal(ErrorCategory.TIMEOUT, failure.Category);
        Assert.True(failure.Retryable);
    }

    [Fact]
    public void Classify_InfrastructureRequestTimeout_IsRetryableTimeout()
    {
        var failure = Classify(504, """{"detail":"Request timed out","error_type":"request_timeout"}""");

        Assert.Equal(ErrorCategory.TIMEOUT, failure.Category);
        Assert.True(failure.Retryable);
        Assert.Equal("fal: HTTP 504: Request timed out [request_timeout]", failure.Message);
    }

    [Fact]
    public void Classify_ErrorTypeHeaderRunnerScheduling_IsRetryableUnavailable()
    {
        var failure = Classify(503, """{"detail":"No runner available"}""", ("X-Fal-Error-Type", "runner_scheduling_failure"));

        Assert.Equal(ErrorCategory.PROVIDER_UNAVAILABLE, failure.Category);
        Assert.True(failure.Retryable);
    }

    [Fact]
    public void Classify_RetryableFalseOn503_IsNotRetryable()
    {
        var failure = Classify(503, """{"detail":"Service unavailable"}""", ("X-Fal-Retryable", "false"));

        Assert.Equal(ErrorCategory.PROVIDER_UNAVAILABLE, failure.Category);
        Assert.False(failure.Retryable);
    }

    [Fact]
    public void Classify_RetryableTrueOn404_IsRetryable()
    {
        var failure = Classify(404, """{"detail":"Runner not found"}""", ("X-Fal-Retryable", "true"));

        Assert.Equal(ErrorCategory.PROVIDER_ERROR, failure.Category);
        Assert.True(failure.Retryable);
    }

    [Fact]
    public void Classify_504UserRequestTimeout_IsNotRetryableTimeout()
    {
        var failure = Classify(504, """{"detail":"Request timed out","error_type":"request_timeout"}""", ("x-fal-request-timeout-type", "user"), ("X-Fal-Retryable", "true"));

        Assert.Equal(ErrorCategory.TIMEOUT, failure.Category);
        Assert.False(failure.Retryable);
    }

    [Fact]
    public void Classify_429WithRetryAfter_KeepsRetryAfter()
    {
        var failure = Classify(429, """{"detail":"Too many requests"}""", ("Retry-After", "7"));

        Assert.Equal(ErrorCategory.RATE_LIMITED, failure.Category);
        Assert.True(failure.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
    }

    [Fact]
    public void Classify_HtmlBody_KeepsShortTextOnly()
    {
        var failure = Classify(502, "<html><body>Bad gateway</body></html>" + new string(' ', 10) + new string('x', 2000));

        Assert.Equal(ErrorCategory.PROVIDER_UNAVAILABLE, failure.Category);
        Assert.True(failure.Message.Length < 600);
    }

    [Fact]
    public void Classify_EmptyBody_NamesStatusOnly()
    {
        var failure = Classify(500, string.Empty);

        Assert.Equal("fal: HTTP 500.", failure.Message);
        Assert.True(failure.Retryable);
    }

    [Fact]
    public void ClassifyCompletedError_UnknownType_IsRetryableProviderError()
    {
        var failure = FalErrorClassifier.ClassifyCompletedError(new JsonObject { ["status"] = "COMPLETED", ["error"] = "CUDA out of memory" });

        Assert.Equal(ErrorCategory.PROVIDER_ERROR, failure.Category);
        Assert.True(failure.Retryable);
        Assert.Equal("fal: the request completed with an error: CUDA out of memory", failure.Message);
    }

    [Fact]
    public void ClassifyCompletedError_ContentPolicyType_IsContentPolicy()
    {
        var failure = FalErrorClassifier.ClassifyCompletedError(new JsonObject { ["error"] = "flagged", ["error_type"] = "content_policy_violation" });

        Assert.Equal(ErrorCategory.CONTENT_POLICY, failure.Category);
        Assert.False(failure.Retryable);
    }

    [Fact]
    public void ClassifyCompletedError_Cancelled_IsCancelledNotRetryable()
    {
        var failure = FalErrorClassifier.ClassifyCompletedError(new JsonObject { ["error"] = "Request was cancelled" });

        Assert.Equal(ErrorCategory.CANCELLED, failure.Category);
        Assert.False(failure.Retryable);
    }

    private static ProviderFailure Classify(int status, string body, params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return FalErrorClassifier.Classify(response, body, Now);
    }
}
