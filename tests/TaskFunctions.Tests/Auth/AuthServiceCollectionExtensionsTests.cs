using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Auth;
using static TaskFunctions.Tests.Auth.AuthTestData;

namespace TaskFunctions.Tests.Auth;

public sealed class AuthServiceCollectionExtensionsTests
{
    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddTaskFunctionsAuth();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddTaskFunctionsAuth_ValidSection_ResolvesWorkingAuthenticator()
    {
        // Arrange
        string key = NewKey();
        using ServiceProvider provider = BuildProvider(new()
        {
            ["Auth:Issuer"] = Issuer,
            ["Auth:Audience"] = Audience,
            ["Auth:SigningKey"] = key,
            ["Auth:TenantClaim"] = "tid",
        });
        AuthOptions options = provider.GetRequiredService<IOptions<AuthOptions>>().Value;
        string token = DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.FromMinutes(5));

        // Act
        JwtAuthenticator authenticator = provider.GetRequiredService<JwtAuthenticator>();
        AuthResult result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);

        // Assert
        Assert.Same(authenticator, provider.GetRequiredService<JwtAuthenticator>());
        Assert.Equal("tid", options.TenantClaim);
        Assert.Equal(["HS256"], options.GetAllowedAlgorithms());
        Assert.True(result.Succeeded, result.Detail);
        Assert.Equal("tenant-a", result.Identity.Tenant);
    }

    [Fact]
    public void AddTaskFunctionsAuth_AllowedAlgorithmsInConfiguration_ReplaceDefaults()
    {
        // Arrange
        using ServiceProvider provider = BuildProvider(new()
        {
            ["Auth:Issuer"] = Issuer,
            ["Auth:Audience"] = Audience,
            ["Auth:Authority"] = "https://login.example.com/t/v2.0",
            ["Auth:AllowedAlgorithms:0"] = "PS256",
        });

        // Act
        AuthOptions options = provider.GetRequiredService<IOptions<AuthOptions>>().Value;

        // Assert
        Assert.Equal(["PS256"], options.GetAllowedAlgorithms());
    }

    [Fact]
    public void AddTaskFunctionsAuth_ShortKey_FailsValidation()
    {
        // Arrange
        using ServiceProvider provider = BuildProvider(new()
        {
            ["Auth:Issuer"] = Issuer,
            ["Auth:Audience"] = Audience,
            ["Auth:SigningKey"] = "too-short",
        });

        // Act
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IOptions<AuthOptions>>().Value);

        // Assert
        Assert.Contains(error.Failures, f => f.Contains("SigningKey", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("too-short", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddTaskFunctionsAuth_InvalidSection_FailsHostStart()
    {
        // Arrange
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:Issuer"] = Issuer });
        builder.Services.AddTaskFunctionsAuth();
        using IHost host = builder.Build();

        // Act + Assert
        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }
}
