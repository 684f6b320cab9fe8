using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Webhooks;

namespace TaskFunctions.Tests.Webhooks;

public sealed class WebhookServiceCollectionExtensionsTests
{
    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsWebhooks();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddTaskFunctionsWebhooks_Settings_BindsOptionsAndResolvesSender()
    {
        // Arrange
        string secret = WebhookTestSecrets.Random();
        using ServiceProvider provider = BuildProvider(new()
        {
            ["Webhooks:SigningSecret"] = secret,
            ["Webhooks:Timeout"] = "00:00:20",
            ["Webhooks:MaxAttempts"] = "5",
            ["Webhooks:RetrySchedule:0"] = "00:00:01",
            ["Webhooks:RetrySchedule:1"] = "00:00:02",
            ["Webhooks:JitterFraction"] = "0.2",
        });

        // Act
        WebhookOptions options = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
        WebhookSender sender = provider.GetRequiredService<WebhookSender>();

        // Assert
        Assert.Equal(secret, options.SigningSecret);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Timeout);
        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], options.GetRetrySchedule());
        Assert.Equal(0.2, options.JitterFraction);
        Assert.True(provider.GetRequiredService<WebhookSigner>().IsSigning);
        Assert.Same(sender, provider.GetRequiredService<WebhookSender>());
        Assert.NotNull(provider.GetRequiredService<SafeHttpFetcher>());
    }

    [Fact]
    public void AddTaskFunctionsWebhooks_NoSettings_UsesDefaultSchedule()
    {
        // Arrange
        using ServiceProvider provider = BuildProvider([]);

        // Act
        WebhookOptions options = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;

        // Assert
        Assert.Equal(WebhookOptions.DefaultRetrySchedule, options.GetRetrySchedule());
        Assert.False(provider.GetRequiredService<WebhookSigner>().IsSigning);
    }

    [Fact]
    public void AddTaskFunctionsWebhooks_MalformedSecret_FailsValidation()
    {
        // Arrange
        using ServiceProvider provider = BuildProvider(new() { ["Webhooks:SigningSecret"] = "whsec_tooshort" });

        // Act
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookOptions>>().Value);

        // Assert
        Assert.Contains("SigningSecret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_tooshort", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTaskFunctionsWebhooks_OutboundAlreadyAdded_RegistersFetcherOnce()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddTaskFunctionsOutbound();

        // Act
        services.AddTaskFunctionsWebhooks();

        // Assert
        Assert.Single(services, d => d.ServiceType == typeof(SafeHttpFetcher));
        Assert.Single(services, d => d.ServiceType == typeof(IConfigureOptions<OutboundOptions>));
    }
}
