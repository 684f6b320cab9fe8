using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.ComfyUI;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Providers.ComfyUI;

/// <summary><see cref="ComfyUIOptions"/> binding and start-up validation, and what <c>AddTaskFunctionsComfyUI</c> registers.</summary>
public sealed class ComfyUIOptionsTests
{
    [Fact]
    public void AddTaskFunctionsComfyUI_NoSettings_BindsDefaults()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<ComfyUIOptions>>().Value;

        Assert.Equal(new Uri("http://127.0.0.1:8188"), options.BaseUrl);
        Assert.Null(options.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(60), options.RequestTimeout);
        Assert.Empty(options.Workflows);
        Assert.Equal(["UPSCALE_2X", "UPSCALE_4X", "UPSCALE_8X", "UPSCALE_FLOAT", "OUTPUT_SIZE"], options.CapabilitiesOf(TaskType.REFINE));
        Assert.Equal(3, options.Retry.MaxAttempts);
        Assert.Equal(ProviderType.COMFYUI, Assert.Single(provider.GetServices<IProviderSettings>()).Type);
    }

    [Fact]
    public void AddTaskFunctionsComfyUI_WorkflowFileAndInlineJson_AreValid()
    {
        using var provider = Build(new()
        {
            ["Providers:ComfyUI:Workflows:GENERATION"] = ComfyUITestGraphs.Path("txt2img.json"),
            ["Providers:ComfyUI:Workflows:inline"] = "{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"a.png\"}}}",
        });

        var options = provider.GetRequiredService<IOptions<ComfyUIOptions>>().Value;

        Assert.Equal(2, options.Workflows.Count);
        Assert.Equal(ProviderType.COMFYUI, provider.GetRequiredService<ComfyUIClient>().Type);
    }

    [Theory]
    [InlineData("Providers:ComfyUI:Workflows:GENERATION", "/no/such/workflow.json")]
    [InlineData("Providers:ComfyUI:Workflows:GENERATION", "{not json")]
    [InlineData("Providers:ComfyUI:Workflows:GENERATION", "{\"nodes\":[],\"links\":[]}")]
    [InlineData("Providers:ComfyUI:Workflows:GENERATION", "{\"1\":{\"inputs\":{}}}")]
    [InlineData("Providers:ComfyUI:BaseUrl", "ftp://comfy.example/")]
    [InlineData("Providers:ComfyUI:RequestTimeout", "00:30:00")]
    [InlineData("Providers:ComfyUI:Capabilities:REFINE", "UPSCALE_3X")]
    [InlineData("Providers:ComfyUI:Retry:MaxAttempts", "0")]
    public void AddTaskFunctionsComfyUI_InvalidSetting_FailsValidation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ComfyUIClient>());

        Assert.Contains(key.Split(':')[2], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTaskFunctionsComfyUI_CalledTwice_RegistersOneProviderAndFactory()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();

        services.AddTaskFunctionsComfyUI().AddTaskFunctionsComfyUI();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<ComfyUIClient>(Assert.Single(provider.GetServices<IJobProvider>()));
        Assert.Equal(ProviderType.COMFYUI, provider.GetRequiredKeyedService<IJobProvider>(ProviderType.COMFYUI).Type);
        Assert.Single(services, d => d.ImplementationType == typeof(ComfyUIRequestMapper));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsComfyUI();
        return services.BuildServiceProvider();
    }
}
