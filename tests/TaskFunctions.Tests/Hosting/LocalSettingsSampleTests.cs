using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Hosting;

/// <summary>
/// local.settings.sample.json must list every setting the app reads: the app's options are bound through a
/// configuration source that records each key looked up, and every recorded key must be in the sample.
/// </summary>
public sealed class LocalSettingsSampleTests
{
    private static readonly Lazy<JsonObject> Sample = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")))!["Values"]!.AsObject());

    [Fact]
    public void Sample_EverySettingTheAppReads_IsListed()
    {
        var recorder = new RecordingSource(Sample.Value.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value!.GetValue<string>()));
        var configuration = new ConfigurationBuilder().Add(recorder).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddTaskFunctionsCore();
        using var provider = services.BuildServiceProvider();

        // Binding happens when an options value is first read: read every options type the app registers.
        var optionTypes = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()
            .ToList();
        foreach (var type in optionTypes)
        {
            var options = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            _ = options.GetType().GetProperty("Value")!.GetValue(options);
        }

        // A section name (e.g. "Auth") is read too; only leaf settings must be listed. A list setting is listed
        // through its items (Auth__AllowedAlgorithms__0).
        var keys = recorder.Read.Select(key => key.Replace(":", "__", StringComparison.Ordinal)).ToList();
        var missing = keys
            .Where(key => !keys.Any(other => other.StartsWith(key + "__", StringComparison.OrdinalIgnoreCase)))
            .Where(key => !Sample.Value.Any(p => p.Key.Equals(key, StringComparison.OrdinalIgnoreCase) || p.Key.StartsWith(key + "__", StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(optionTypes.Count >= 4, "expected the app's options types to be registered");
        Assert.True(missing.Count == 0, "settings read but not in local.settings.sample.json: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "UseDevelopmentStorage=true")]
    [InlineData("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated")]
    [InlineData("Storage__ConnectionString", "UseDevelopmentStorage=true")]
    public void Sample_HostSettings_HaveAzuriteDefaults(string key, string expected)
    {
        Assert.Equal(expected, Sample.Value[key]!.GetValue<string>());
    }

    [Fact]
    public void Sample_HubNameSetting_ExistsForHostJson()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")))!;
        var hub = hostJson["extensions"]!["durableTask"]!["hubName"]!.GetValue<string>().Trim('%');

        Assert.False(string.IsNullOrWhiteSpace(Sample.Value[hub]?.GetValue<string>()));
    }

    [Fact]
    public void LocalSettings_IsGitIgnored()
    {
        var ignore = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".gitignore"));

        Assert.Contains("local.settings.json", ignore);
    }

    private sealed class RecordingSource(IDictionary<string, string?> values) : IConfigurationSource
    {
        public HashSet<string> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new RecordingProvider(this, values);

        private sealed class RecordingProvider(RecordingSource source, IDictionary<string, string?> values) : ConfigurationProvider
        {
            public override void Load() => Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);

            public override bool TryGet(string key, out string? value)
            {
                lock (source.Read)
                {
                    source.Read.Add(key);
                }

                return base.TryGet(key, out value);
            }
        }
    }
}
