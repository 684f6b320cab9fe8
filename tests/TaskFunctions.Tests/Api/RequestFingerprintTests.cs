using System.Text;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Api;

public sealed class RequestFingerprintTests
{
    private const string Generation = """{"task_type":"GENERATION","origin_instance":"cli","prompt":"a red bicycle","provider_config":{"b":1,"a":{"y":true,"x":[1,2]}}}""";

    [Theory]
    [InlineData("""{"provider_config":{"a":{"x":[1,2],"y":true},"b":1},"prompt":"a red bicycle","origin_instance":"cli","task_type":"GENERATION"}""")]
    [InlineData("""
        {
          "task_type" : "GENERATION",
          "origin_instance" : "cli",
          "prompt" : "a red \u0062icycle",
          "provider_config" : { "b" : 1.0, "a" : { "y" : true, "x" : [ 1, 2e0 ] } }
        }
        """)]
    [InlineData("""{"task_type":"GENERATION","origin_instance":"cli","prompt":"a red bicycle","provider_config":{"b":1,"a":{"y":true,"x":[1,2]}},"priority":0,"id":"ignored-server-field"}""")]
    [InlineData("""{"task_type":"GENERATION","origin_instance":"cli","prompt":"first","prompt":"a red bicycle","provider_config":{"b":1,"a":{"y":true,"x":[1,2]}}}""")]
    public void Of_SameRequestSpelledDifferently_IsEqual(string variant)
    {
        var expected = Fingerprint(Generation);

        var actual = Fingerprint(variant);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("""{"task_type":"GENERATION","origin_instance":"cli","prompt":"a red bicycle!","provider_config":{"b":1,"a":{"y":true,"x":[1,2]}}}""")]
    [InlineData("""{"task_type":"GENERATION","origin_instance":"cli","prompt":"a red bicycle","provider_config":{"b":2,"a":{"y":true,"x":[1,2]}}}""")]
    [InlineData("""{"task_type":"GENERATION","origin_instance":"cli","prompt":"a red bicycle","provider_config":{"b":1,"a":{"y":true,"x":[2,1]}}}""")]
    [InlineData("""{"task_type":"GENERATION","origin_instance":"cli","prompt":"a red bicycle","provider_config":{"b":1,"a":{"y":true,"x":[1,2]}},"priority":1}""")]
    [InlineData("""{"task_type":"LLM_INTERACTION","origin_instance":"cli","prompt":"a red bicycle","provider_config":{"b":1,"a":{"y":true,"x":[1,2]}}}""")]
    public void Of_DifferentValue_Differs(string variant)
    {
        var expected = Fingerprint(Generation);

        var actual = Fingerprint(variant);

        Assert.NotEqual(expected, actual);
    }

    [Fact]
    public void Of_GenerationRouteWithoutTaskType_EqualsMainRouteWithIt()
    {
        var main = Fingerprint(Generation);

        var generation = Fingerprint(Generation.Replace("\"task_type\":\"GENERATION\",", string.Empty, StringComparison.Ordinal), TaskType.GENERATION);

        Assert.Equal(main, generation);
    }

    [Fact]
    public void Of_Request_IsLowerCaseHexSha256()
    {
        var hash = Fingerprint(Generation);

        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    private static string Fingerprint(string body, TaskType? route = null)
    {
        var parsed = TaskRequestParser.ParseCreate(Encoding.UTF8.GetBytes(body), route);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => e.Msg)));
        return RequestFingerprint.Of(parsed.Value!);
    }
}
