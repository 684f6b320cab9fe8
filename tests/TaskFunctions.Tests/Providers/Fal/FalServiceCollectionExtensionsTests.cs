using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Providers.Fal;

public sealed class FalServiceCollectionExtensionsTests
{
    [Fact]
    public void AddTaskFunctionsFal_SampleSettings_BindToDefaults()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        var settings = sample
            .Where(p => p.Key.StartsWith("Providers__Fal__", StringComparison.Ordinal))
            .ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value!.GetValue<string>());
        using var provider = Build(settings);

        var options = provider.GetRequiredService<IOptions<FalOptions>>().Value;

        var defaults = new FalOptions();
        Assert.Equal(27, settings.Count);
        Assert.Equal(defaults.BaseUrl, options.BaseUrl);
        Assert.Equal(defaults.RequestTimeout, options.RequestTimeout);
        Assert.Null(options.StartTimeout);
        Assert.True(string.IsNullOrEmpty(options.ApiKey));
        Assert.Equal((defaults.GenerationAppId, defaults.EditingAppId, defaults.RefineAppId), (options.GenerationAppId, options.EditingAppId, options.RefineAppId));
        Assert.Equal(
            (defaults.VideoAppId, defaults.ImageToVideoAppId, defaults.LlmAppId, defaults.VisionLlmAppId),
            (options.VideoAppId, options.ImageToVideoAppId, options.LlmAppId, options.VisionLlmAppId));
        Assert.Equal(
            (defaults.BackgroundRemovalAppId, defaults.DetailEnhancerAppId, defaults.FaceEnhancerAppId, defaults.FaceDetailAppId),
            (options.BackgroundRemovalAppId, options.DetailEnhancerAppId, options.FaceEnhancerAppId, options.FaceDetailAppId));
        Assert.Equal(defaults.CapabilitiesOf(TaskType.REFINE), options.CapabilitiesOf(TaskType.REFINE));
        Assert.Equal(
            (defaults.Retry.MaxAttempts, defaults.Retry.FirstRetryInterval, defaults.Retry.BackoffCoefficient, defaults.Retry.MaxRetryInterval),
            (options.Retry.MaxAttempts, options.Retry.FirstRetryInterval, options.Retry.BackoffCoefficient, options.Retry.MaxRetryInterval));
        Assert.Equal(
            (defaults.Polling.FirstInterval, defaults.Polling.Backoff, defaults.Polling.MaxInterval, defaults.Polling.Deadline, defaults.Polling.VideoDeadline, defaults.Polling.MaxPollFailures),
            (options.Polling.FirstInterval, options.Polling.Backoff, options.Polling.MaxInterval, options.Polling.Deadline, options.Polling.VideoDeadline, options.Polling.MaxPollFailures));
    }

    [Theory]
    [InlineData("Providers:Fal:BaseUrl", "ftp://queue.example/")]
    [InlineData("Providers:Fal:RequestTimeout", "00:10:00")]
    [InlineData("Providers:Fal:Polling:MaxPollFailures", "1000")]
    public void AddTaskFunctionsFal_InvalidSetting_FailsValidation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<FalQueueClient>());
    }

    [Fact]
    public void AddTaskFunctionsFal_CalledTwice_RegistersOneProvider()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();

        services.AddTaskFunctionsFal().AddTaskFunctionsFal();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<FalQueueClient>(Assert.Single(provider.GetServices<IJobProvider>()));
        Assert.Equal(ProviderType.FAL, provider.GetRequiredKeyedService<IJobProvider>(ProviderType.FAL).Type);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsFal();
        return services.BuildServiceProvider();
    }
}
