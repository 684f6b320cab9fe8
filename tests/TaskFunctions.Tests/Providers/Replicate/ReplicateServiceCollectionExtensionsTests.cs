using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.Replicate;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Providers.Replicate;

public sealed class ReplicateServiceCollectionExtensionsTests
{
    [Fact]
    public void AddTaskFunctionsReplicate_NoSettings_BindsDefaults()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<ReplicateOptions>>().Value;

        Assert.Equal(new Uri("https://api.replicate.com"), options.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.True(string.IsNullOrEmpty(options.ApiToken));
        Assert.Equal("black-forest-labs/flux-dev", options.ModelOf(TaskType.GENERATION));
        Assert.StartsWith("sczhou/codeformer:", options.ModelOf(TaskType.FACE_ENHANCER), StringComparison.Ordinal);
        Assert.Null(options.ModelOf(TaskType.IMAGE_ADJUSTER));
        Assert.Equal(["UPSCALE_2X", "UPSCALE_4X", "UPSCALE_8X", "UPSCALE_FLOAT", "OUTPUT_SIZE"], options.CapabilitiesOf(TaskType.REFINE));
        Assert.Empty(options.CapabilitiesOf(TaskType.GENERATION));
        Assert.All(ReplicateOptions.DefaultModels(), m =>
        {
            Assert.True(Enum.TryParse<TaskType>(m.Key, out _), m.Key);
            Assert.True(ReplicateModelRef.TryParse(m.Value, out _), m.Value);
        });
    }

    [Fact]
    public void AddTaskFunctionsReplicate_ModelSetting_OverridesOneKindOnly()
    {
        using var provider = Build(new() { ["Providers:Replicate:Models:GENERATION"] = "owner/model:abc123" });

        var options = provider.GetRequiredService<IOptions<ReplicateOptions>>().Value;

        Assert.Equal("owner/model:abc123", options.ModelOf(TaskType.GENERATION));
        Assert.Equal("black-forest-labs/flux-kontext-pro", options.ModelOf(TaskType.EDITING));
    }

    [Theory]
    [InlineData("Providers:Replicate:BaseUrl", "ftp://api.example/")]
    [InlineData("Providers:Replicate:RequestTimeout", "00:10:00")]
    [InlineData("Providers:Replicate:Polling:MaxPollFailures", "1000")]
    [InlineData("Providers:Replicate:Retry:MaxAttempts", "0")]
    [InlineData("Providers:Replicate:Models:NOT_A_KIND", "owner/name")]
    [InlineData("Providers:Replicate:Models:GENERATION", "not a model")]
    [InlineData("Providers:Replicate:Capabilities:REFINE", "UPSCALE_3X")]
    public void AddTaskFunctionsReplicate_InvalidSetting_FailsValidation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ReplicateClient>());
    }

    [Fact]
    public void AddTaskFunctionsReplicate_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();

        services.AddTaskFunctionsReplicate().AddTaskFunctionsReplicate();

        Assert.Single(services, d => d.ServiceType == typeof(IJobRequestFactory));
        Assert.Single(services, d => d.ServiceType == typeof(IProviderSettings));
        using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IJobProvider>());
        Assert.IsType<ReplicateClient>(provider.GetRequiredKeyedService<IJobProvider>(ProviderType.REPLICATE));
        Assert.Equal(ProviderType.REPLICATE, provider.GetRequiredService<IProviderSettings>().Type);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsReplicate();
        return services.BuildServiceProvider();
    }
}
