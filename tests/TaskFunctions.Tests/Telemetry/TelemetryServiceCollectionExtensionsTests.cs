using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using TaskFunctions.Core.Telemetry;

namespace TaskFunctions.Tests.Telemetry;

public sealed class TelemetryServiceCollectionExtensionsTests
{
    [Theory]
    [InlineData(null, "taskfunctions")]
    [InlineData("", "taskfunctions")]
    [InlineData("tasks-eu", "tasks-eu")]
    public void ServiceName_DefaultsToTaskFunctions_OverriddenByOtelServiceName(string? configured, string expected)
    {
        var configuration = Configuration(new() { [TelemetryServiceCollectionExtensions.ServiceNameSetting] = configured });

        Assert.Equal(expected, TelemetryServiceCollectionExtensions.ServiceName(configuration));
    }

    [Fact]
    public void TracerProvider_ResourceNamesTheService()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTaskFunctionsTelemetry(Configuration(new() { [TelemetryServiceCollectionExtensions.ServiceNameSetting] = "tasks-test" }));
        using var provider = services.BuildServiceProvider();

        var resource = provider.GetRequiredService<TracerProvider>().GetResource();

        Assert.Contains(resource.Attributes, a => a.Key == "service.name" && (string)a.Value == "tasks-test");
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, "TableAlreadyExists", true)]
    [InlineData(HttpStatusCode.Conflict, "ContainerAlreadyExists", true)]
    [InlineData(HttpStatusCode.NotFound, "BlobNotFound", true)]
    [InlineData(HttpStatusCode.NotFound, "ResourceNotFound", true)]
    [InlineData(HttpStatusCode.Conflict, "UpdateConditionNotSatisfied", false)]
    [InlineData(HttpStatusCode.Forbidden, "AuthorizationFailure", false)]
    [InlineData(HttpStatusCode.NotFound, null, false)]
    public void ExpectedStorageAnswers_AreNotErrorSpans(HttpStatusCode status, string? errorCode, bool expected)
    {
        using var response = new HttpResponseMessage(status);
        if (errorCode is not null)
        {
            response.Headers.TryAddWithoutValidation("x-ms-error-code", errorCode);
        }

        using var activity = new Activity("http.client");
        activity.Start();
        activity.SetStatus(ActivityStatusCode.Error);
        activity.SetTag("error.type", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));

        TelemetryServiceCollectionExtensions.ClearExpectedStorageError(activity, response);

        Assert.Equal(expected, TelemetryServiceCollectionExtensions.IsExpectedStorageAnswer(response));
        Assert.Equal(expected ? ActivityStatusCode.Unset : ActivityStatusCode.Error, activity.Status);
        Assert.Equal(expected, activity.GetTagItem("error.type") is null);
    }

    [Fact]
    public void ConsoleDump_IsOffByDefault()
    {
        Assert.False(new TelemetryOptions().Console);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
