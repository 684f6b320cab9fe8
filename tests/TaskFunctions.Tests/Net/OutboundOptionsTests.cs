using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Tests.Net;

public sealed class OutboundOptionsTests
{
    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsOutbound();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddTaskFunctionsOutbound_EmptySection_UsesSafeDefaults()
    {
        // Arrange
        using ServiceProvider provider = BuildProvider([]);

        // Act
        OutboundOptions options = provider.GetRequiredService<IOptions<OutboundOptions>>().Value;

        // Assert
        Assert.Empty(options.AllowedHosts);
        Assert.Equal(5, options.MaxRedirects);
        Assert.Equal(50L * 1024 * 1024, options.MaxResponseBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Null(options.LocalPathRoot);
    }

    [Fact]
    public void AddTaskFunctionsOutbound_BoundSection_ResolvesSingletonFetcher()
    {
        // Arrange
        using ServiceProvider provider = BuildProvider(new()
        {
            ["Outbound:AllowedHosts:0"] = "127.0.0.1:7071",
            ["Outbound:AllowedHosts:1"] = "[::1]:8080",
            ["Outbound:MaxRedirects"] = "2",
            ["Outbound:Timeout"] = "00:00:05",
        });

        // Act
        OutboundOptions options = provider.GetRequiredService<IOptions<OutboundOptions>>().Value;
        SafeHttpFetcher first = provider.GetRequiredService<SafeHttpFetcher>();
        SafeHttpFetcher second = provider.GetRequiredService<SafeHttpFetcher>();

        // Assert
        Assert.Equal(["127.0.0.1:7071", "[::1]:8080"], options.AllowedHosts);
        Assert.Equal(2, options.MaxRedirects);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("Outbound:AllowedHosts:0", "127.0.0.1")]
    [InlineData("Outbound:AllowedHosts:0", "::1:8080")]
    [InlineData("Outbound:AllowedHosts:0", "localhost:0")]
    [InlineData("Outbound:AllowedHosts:0", "localhost:http")]
    [InlineData("Outbound:MaxRedirects", "-1")]
    [InlineData("Outbound:MaxResponseBytes", "0")]
    [InlineData("Outbound:Timeout", "00:00:00")]
    [InlineData("Outbound:LocalPathRoot", "relative/dir")]
    public void AddTaskFunctionsOutbound_InvalidSetting_FailsValidation(string key, string value)
    {
        // Arrange
        using ServiceProvider provider = BuildProvider(new() { [key] = value });

        // Act & Assert
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OutboundOptions>>().Value);
    }
}
