using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.OpenAI;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Providers.OpenAI;

public sealed class OpenAIOptionsTests
{
    [Fact]
    public void AddTaskFunctionsOpenAI_NoSettings_BindsDefaults()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<OpenAIOptions>>().Value;

        Assert.Equal(new Uri("https://api.openai.com/v1"), options.BaseUrl);
        Assert.Equal(("openai", false, TimeSpan.FromMinutes(2)), (options.Mode, options.UsesAzure(), options.RequestTimeout));
        Assert.Equal(("gpt-4o-mini", "gpt-image-1", "gpt-image-1"), (options.ModelOf(TaskType.LLM_INTERACTION), options.ModelOf(TaskType.GENERATION), options.ModelOf(TaskType.EDITING)));
        Assert.Null(options.ModelOf(TaskType.REFINE));
        Assert.Empty(options.CapabilitiesOf(TaskType.GENERATION));
        var settings = Assert.Single(provider.GetServices<IProviderSettings>());
        Assert.Equal(ProviderType.OPENAI, settings.Type);
        Assert.Equal(3, settings.Retry.MaxAttempts);
    }

    [Theory]
    [InlineData("Providers:OpenAI:BaseUrl", "ftp://api.example/v1")]
    [InlineData("Providers:OpenAI:BaseUrl", "https://api.example/v1?key=1")]
    [InlineData("Providers:OpenAI:Mode", "anthropic")]
    [InlineData("Providers:OpenAI:Mode", "azure")]
    [InlineData("Providers:OpenAI:RequestTimeout", "00:30:00")]
    [InlineData("Providers:OpenAI:Models:GENERATION", " ")]
    [InlineData("Providers:OpenAI:Capabilities:GENERATION", "TELEPORT")]
    [InlineData("Providers:OpenAI:Retry:MaxAttempts", "0")]
    public void AddTaskFunctionsOpenAI_InvalidSetting_FailsValidation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<OpenAIClient>());
    }

    [Fact]
    public void AddTaskFunctionsOpenAI_AzureWithApiVersion_IsValid()
    {
        using var provider = Build(new() { ["Providers:OpenAI:Mode"] = "Azure", ["Providers:OpenAI:ApiVersion"] = "2024-10-21", ["Providers:OpenAI:BaseUrl"] = "https://res.openai.azure.com/" });

        Assert.True(provider.GetRequiredService<IOptions<OpenAIOptions>>().Value.UsesAzure());
        Assert.NotNull(provider.GetRequiredService<OpenAIClient>());
    }

    [Fact]
    public void AddTaskFunctionsOpenAI_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();

        services.AddTaskFunctionsOpenAI().AddTaskFunctionsOpenAI();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<OpenAIClient>(Assert.Single(provider.GetServices<ICallProvider>()));
        Assert.Equal(ProviderType.OPENAI, provider.GetRequiredKeyedService<ICallProvider>(ProviderType.OPENAI).Type);
        Assert.Single(provider.GetServices<IProviderSettings>());
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IJobRequestFactory)));
    }

    [Theory]
    [InlineData(TaskType.LLM_INTERACTION, true)]
    [InlineData(TaskType.GENERATION, true)]
    [InlineData(TaskType.EDITING, true)]
    [InlineData(TaskType.REFINE, false)]
    [InlineData(TaskType.VIDEO_GENERATION, false)]
    [InlineData(TaskType.BACKGROUND_FIX, false)]
    public void Supports_TaskType_OnlyChatAndImageKinds(TaskType taskType, bool expected)
    {
        var factory = new OpenAIRequestFactory(Options.Create(new OpenAIOptions()), null!);

        Assert.Equal((ProviderType.OPENAI, expected), (factory.Provider, factory.Supports(taskType)));
    }

    [Theory]
    [InlineData(1024, 1024, "1024x1024")]
    [InlineData(512, 512, "1024x1024")]
    [InlineData(1100, 1000, "1024x1024")]
    [InlineData(1220, 1000, "1024x1024")]
    [InlineData(1230, 1000, "1536x1024")]
    [InlineData(1920, 1080, "1536x1024")]
    [InlineData(4000, 1000, "1536x1024")]
    [InlineData(1000, 1230, "1024x1536")]
    [InlineData(768, 1024, "1024x1536")]
    [InlineData(1080, 1920, "1024x1536")]
    [InlineData(null, 1024, null)]
    [InlineData(1024, null, null)]
    [InlineData(0, 1024, null)]
    public void NearestSize_WidthHeight_NearestSupportedAspect(int? width, int? height, string? expected)
    {
        Assert.Equal(expected, OpenAIRequestFactory.NearestSize(width, height));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsOpenAI();
        return services.BuildServiceProvider();
    }
}
