using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Workflow;

/// <summary>
/// Shared set-up of the direct activity tests: Core's real services on Azurite (tables of their own) with a clock the test
/// sets, task records seeded in a chosen state, and reads of the record and of the status index as stored.
/// </summary>
internal static class ActivityTestTasks
{
    public const string Tenant = "tenant";

    /// <summary>When seeded tasks were created and last updated; the clock of <see cref="ServicesAsync"/> reads <see cref="Now"/>.</summary>
    public static readonly DateTimeOffset Seeded = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>What the activities' clock reads: later than <see cref="Seeded"/>, so a write visibly moves updated_at.</summary>
    public static readonly DateTimeOffset Now = Seeded.AddMinutes(7).AddMilliseconds(123);

    /// <summary>Core's services on Azurite with <paramref name="clock"/> (default: fixed at <see cref="Now"/>) as their TimeProvider.</summary>
    public static Task<ServiceProvider> ServicesAsync(AzuriteFixture azurite, TimeProvider? clock = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        CoreServices.BuildAsync(
            azurite.ConnectionString,
            services => services.AddSingleton(clock ?? new Webhooks.FixedTimeProvider(Now)),
            settings);

    /// <summary>Stores a GENERATION task (or <paramref name="request"/>'s kind) as RUNNING unless <paramref name="change"/> says otherwise; returns its id.</summary>
    public static async Task<string> StoreAsync(IServiceProvider provider, Action<TaskPublicBase>? change = null, CreateTaskBase? request = null)
    {
        var id = Guid.NewGuid().ToString();
        request ??= new CreateGenerationTask { OriginInstance = "tests", Prompt = "a red bicycle", ProviderType = ProviderType.FAL };
        var document = request.ToPublic(id, Tenant, Seeded, new Dictionary<string, string>());
        document.Status = TaskState.RUNNING;
        document.StartedAt = Seeded;
        document.UpdatedAt = Seeded;
        change?.Invoke(document);
        await provider.GetRequiredService<ITaskStore>().CreateAsync(SeedTasks.Stored(document, Tenant));
        return id;
    }

    public static async Task<StoredTask> ReadStoredAsync(IServiceProvider provider, string id) =>
        await provider.GetRequiredService<ITaskStore>().GetAsync(id) ?? throw new InvalidOperationException($"Task {id} is not stored.");

    public static async Task<TaskPublicBase> ReadAsync(IServiceProvider provider, string id) =>
        TaskJson.DeserializeDocument((await ReadStoredAsync(provider, id)).Document);

    /// <summary>Ids the index lists for <paramref name="status"/>, in the tenant's partition and in the global one.</summary>
    public static async Task<(IReadOnlyList<string> Tenant, IReadOnlyList<string> Global)> ListedAsync(IServiceProvider provider, TaskState status)
    {
        var store = provider.GetRequiredService<ITaskStore>();
        var tenant = await store.ListAsync(new TaskListQuery { Tenant = Tenant, Status = status });
        var global = await store.ListAsync(new TaskListQuery { Status = status });
        return ([.. tenant.Select(t => t.Id)], [.. global.Select(t => t.Id)]);
    }
}
