using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TaskFunctions.Core.Storage;

/// <summary>DI registration of the storage clients, <see cref="ITaskStore"/>, <see cref="IIdempotencyStore"/> and <see cref="IBlobStore"/>.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> from section <c>Storage</c> (validated on start) and registers the
    /// Table, Blob and Queue service clients as singletons: connection string when set (Azurite), otherwise
    /// service URIs with <see cref="DefaultAzureCredential"/>.
    /// </summary>
    public static IServiceCollection AddTaskFunctionsStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // One credential for all three clients, so token caching is shared.
        services.AddSingleton<StorageCredential>(sp => new StorageCredential(CreateCredential(Options(sp))));

        services.AddSingleton(sp =>
        {
            var options = Options(sp);
            return HasConnectionString(options)
                ? new TableServiceClient(options.ConnectionString)
                : new TableServiceClient(options.TableServiceUri, sp.GetRequiredService<StorageCredential>().Credential);
        });
        services.AddSingleton(sp =>
        {
            var options = Options(sp);
            return HasConnectionString(options)
                ? new BlobServiceClient(options.ConnectionString)
                : new BlobServiceClient(options.BlobServiceUri, sp.GetRequiredService<StorageCredential>().Credential);
        });
        services.AddSingleton(sp =>
        {
            var options = Options(sp);
            if (HasConnectionString(options))
            {
                return new QueueServiceClient(options.ConnectionString);
            }

            var uri = options.QueueServiceUri
                ?? throw new InvalidOperationException("Set Storage:QueueServiceUri (or Storage:ConnectionString) to use queues.");
            return new QueueServiceClient(uri, sp.GetRequiredService<StorageCredential>().Credential);
        });

        // The store reads the clock (orphan index entities are deleted only once old); Core registers the same.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ITaskStore, TableTaskStore>();
        services.AddSingleton<IIdempotencyStore, TableIdempotencyStore>();
        services.AddSingleton<IBlobStore, AzureBlobStore>();
        return services;
    }

    private static StorageOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<StorageOptions>>().Value;

    private static bool HasConnectionString(StorageOptions options) => !string.IsNullOrWhiteSpace(options.ConnectionString);

    private static DefaultAzureCredential CreateCredential(StorageOptions options) =>
        new(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
        });

    // A private wrapper type keeps the credential out of the container's public TokenCredential slot.
    private sealed record StorageCredential(TokenCredential Credential);
}
