using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.EndToEnd;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Api;

/// <summary>
/// Create with an Idempotency-Key in process, on Azurite, with a clock the test moves: the 24-hour window, a create
/// that died half-way (finished by the next request with the key), and failures that must free the key.
/// </summary>
[Collection("Azurite")]
public sealed class TasksApiIdempotencyTests(AzuriteFixture azurite)
{
    private readonly ManualClock clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string tenant = "t-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Create_SameKeyWithin24Hours_ReplaysFirstTaskAndSchedulesOnce()
    {
        await using var services = await BuildAsync();
        await using var client = new RecordingDurableClient();
        var body = SampleBodies.For("GENERATION").ToJsonString();

        var first = await CreateAsync(services, client, body, "key-1");
        clock.Advance(IdempotencyRules.Retention - TimeSpan.FromSeconds(1));
        var retry = await CreateAsync(services, client, body, "key-1");

        Assert.Equal((int)HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((int)HttpStatusCode.OK, retry.StatusCode);
        Assert.False(first.Headers.ContainsKey(IdempotencyKey.ReplayedHeaderName));
        Assert.Equal("true", retry.Headers[IdempotencyKey.ReplayedHeaderName]);
        Assert.Equal(IdOf(first), IdOf(retry));
        Assert.Equal([IdOf(first)], client.Scheduled);
        Assert.Single(await TasksAsync(services));
    }

    [Fact]
    public async Task Create_SameKeyAfter24Hours_CreatesNewTask()
    {
        await using var services = await BuildAsync();
        await using var client = new RecordingDurableClient();
        var body = SampleBodies.For("GENERATION").ToJsonString();

        var first = await CreateAsync(services, client, body, "key-1");
        clock.Advance(IdempotencyRules.Retention);
        var later = await CreateAsync(services, client, body, "key-1");

        Assert.Equal((int)HttpStatusCode.OK, later.StatusCode);
        Assert.False(later.Headers.ContainsKey(IdempotencyKey.ReplayedHeaderName));
        Assert.NotEqual(IdOf(first), IdOf(later));
        Assert.Equal(2, client.Scheduled.Count);
        var reservation = await Keys(services).GetAsync(IdempotencyRules.ScopeOf(tenant), "key-1");
        Assert.Equal(IdOf(later), reservation!.TaskId);
        Assert.Equal(clock.GetUtcNow(), reservation.CreatedAt);
    }

    [Fact]
    public async Task Create_DifferentBodyAfter24Hours_CreatesNewTask()
    {
        await using var services = await BuildAsync();
        await using var client = new RecordingDurableClient();

        var first = await CreateAsync(services, client, SampleBodies.For("GENERATION").ToJsonString(), "key-1");
        clock.Advance(IdempotencyRules.Retention + TimeSpan.FromMinutes(1));
        var later = await CreateAsync(services, client, SampleBodies.For("LLM_INTERACTION").ToJsonString(), "key-1");

        Assert.Equal((int)HttpStatusCode.OK, later.StatusCode);
        Assert.NotEqual(IdOf(first), IdOf(later));
    }

    [Fact]
    public async Task Create_KeyOfCrashedCreateWithoutRecord_CreatesThatVeryTaskId()
    {
        await using var services = await BuildAsync();
        await using var client = new RecordingDurableClient();
        var body = SampleBodies.For("IMAGE_ADJUSTER").ToJsonString();
        var abandoned = await ReserveAsync(services, body, "key-1", taskId: Guid.NewGuid().ToString("D"), leaseLeft: TimeSpan.FromSeconds(-1));

        var result = await CreateAsync(services, client, body, "key-1");

        Assert.Equal((int)HttpStatusCode.OK, result.StatusCode);
        Assert.Equal(abandoned.TaskId, IdOf(result));
        Assert.Equal([abandoned.TaskId], client.Scheduled);
        Assert.NotNull(await services.GetRequiredService<ITaskStore>().GetAsync(abandoned.TaskId));
        var reservation = await Keys(services).GetAsync(abandoned.Scope, abandoned.Key);
        Assert.True(reservation!.Completed);
        Assert.Equal(abandoned.CreatedAt, reservation.CreatedAt);
    }

    [Fact]
    public async Task Create_KeyOfCrashedCreateAfterRecordBeforeSchedule_SchedulesThatTask()
    {
        await using var services = await BuildAsync();
        await using var client = new RecordingDurableClient();
        var body = SampleBodies.For("GENERATION").ToJsonString();
        var written = IdOf(await CreateAsync(services, client, body, key: null));
        client.Forget(written);
        await ReserveAsync(services, body, "key-1", written, leaseLeft: TimeSpan.FromSeconds(-1));

        var result = await CreateAsync(services, client, body, "key-1");

        Assert.Equal((int)HttpStatusCode.OK, result.StatusCode);
        Assert.Equal(written, IdOf(result));
        Assert.Equal("true", result.Headers[IdempotencyKey.ReplayedHeaderName]);
        Assert.Equal([written, written], client.Scheduled);
        Assert.True((await Keys(services).GetAsync(IdempotencyRules.ScopeOf(tenant), "key-1"))!.Completed);
        Assert.Single(await TasksAsync(services));
    }

    [Fact]
    public async Task Create_KeyOfCrashedCreateWhoseOrchestrationRuns_DoesNotScheduleAgain()
    {
        await using var services = await BuildAsync();
        await using var client = new RecordingDurableClient();
        var body = SampleBodies.For("GENERATION").ToJsonString();
        var written = IdOf(await CreateAsync(services, client, body, key: null));
        await ReserveAsync(services, body, "key-1", written, leaseLeft: TimeSpan.FromSeconds(-1));

        var result = await CreateAsync(services, client, body, "key-1");

        Assert.Equal(written, IdOf(result));
        Assert.Equal([written], client.Scheduled);
    }

    [Fact]
    public async Task Create_SchedulingFails_Returns503AndFreesTheKey()
    {
        await using var services = await BuildAsync();
        var body = SampleBodies.For("GENERATION").ToJsonString();

        await using var failing = new RecordingDurableClient(failSchedules: true);
        await using var healthy = new RecordingDurableClient();
        var failed = await CreateAsync(services, failing, body, "key-1");
        var retried = await CreateAsync(services, healthy, body, "key-1");

        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal((int)HttpStatusCode.OK, retried.StatusCode);
        Assert.False(retried.Headers.ContainsKey(IdempotencyKey.ReplayedHeaderName));
        Assert.Single(await TasksAsync(services));
    }

    [Fact]
    public async Task Create_InvalidInputWithKey_Returns422AndReservesNothing()
    {
        await using var services = await BuildAsync();
        var body = SampleBodies.For("IMAGE_ADJUSTER");
        body["input_image"] = "data:image/png;base64," + Convert.ToBase64String(Encoding.ASCII.GetBytes("not an image at all"));

        await using var client = new RecordingDurableClient();
        var result = await CreateAsync(services, client, body.ToJsonString(), "key-1");

        Assert.Equal((int)HttpStatusCode.UnprocessableEntity, result.StatusCode);
        Assert.Null(await Keys(services).GetAsync(IdempotencyRules.ScopeOf(tenant), "key-1"));
        Assert.Empty(await TasksAsync(services));
    }

    [Fact]
    public async Task Create_KeyOfDeletedTask_CreatesNewTask()
    {
        await using var services = await BuildAsync();
        await using var client = new RecordingDurableClient();
        var body = SampleBodies.For("GENERATION").ToJsonString();
        var first = IdOf(await CreateAsync(services, client, body, "key-1"));
        var tasks = services.GetRequiredService<ITaskStore>();
        await tasks.DeleteAsync((await tasks.GetAsync(first))!);

        var again = await CreateAsync(services, client, body, "key-1");

        Assert.Equal((int)HttpStatusCode.OK, again.StatusCode);
        Assert.NotEqual(first, IdOf(again));
        Assert.Equal(IdOf(again), (await Keys(services).GetAsync(IdempotencyRules.ScopeOf(tenant), "key-1"))!.TaskId);
    }

    [Fact]
    public async Task Create_AdminWithoutTenantClaim_HasItsOwnScope()
    {
        await using var services = await BuildAsync();
        await using var client = new RecordingDurableClient();
        var body = SampleBodies.For("GENERATION", tenant).ToJsonString();

        var asAdmin = await CreateAsync(services, client, body, "key-1", TestAuth.Token(null, admin: true));
        var asTenant = await CreateAsync(services, client, body, "key-1");

        Assert.Equal((int)HttpStatusCode.OK, asTenant.StatusCode);
        Assert.NotEqual(IdOf(asAdmin), IdOf(asTenant));
        Assert.NotNull(await Keys(services).GetAsync(IdempotencyRules.ScopeOf(null), "key-1"));
    }

    private Task<Microsoft.Extensions.DependencyInjection.ServiceProvider> BuildAsync() =>
        CoreServices.BuildAsync(azurite.ConnectionString, services => services.AddSingleton<TimeProvider>(clock));

    private static IIdempotencyStore Keys(IServiceProvider services) => services.GetRequiredService<IIdempotencyStore>();

    private async Task<IReadOnlyList<StoredTask>> TasksAsync(IServiceProvider services) =>
        await services.GetRequiredService<ITaskStore>().ListAsync(new TaskListQuery { Tenant = tenant, IncludeDeleted = true });

    /// <summary>A reservation as a create that died would have left it: in progress, its lease <paramref name="leaseLeft"/> from now.</summary>
    private async Task<IdempotencyReservation> ReserveAsync(IServiceProvider services, string body, string key, string taskId, TimeSpan leaseLeft)
    {
        var parsed = TaskRequestParser.ParseCreate(Encoding.UTF8.GetBytes(body));
        var reservation = new IdempotencyReservation
        {
            Scope = IdempotencyRules.ScopeOf(tenant),
            Key = key,
            TaskId = taskId,
            RequestHash = RequestFingerprint.Of(parsed.Value!),
            CreatedAt = clock.GetUtcNow() - IdempotencyRules.Lease + leaseLeft,
            LeaseUntil = clock.GetUtcNow() + leaseLeft,
        };
        return (await Keys(services).TryAddAsync(reservation))!;
    }

    private async Task<ApiResult> CreateAsync(IServiceProvider services, RecordingDurableClient client, string body, string? key, string? token = null)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.Headers.Authorization = "Bearer " + (token ?? TestAuth.Token(tenant));
        if (key is not null)
        {
            context.Request.Headers[IdempotencyKey.HeaderName] = key;
        }

        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return await services.GetRequiredService<TasksApi>().CreateAsync(context.Request, client, ApiRoutes.CreateTask);
    }

    private static string IdOf(ApiResult result)
    {
        Assert.True(result.StatusCode == (int)HttpStatusCode.OK, $"{result.StatusCode}: {Encoding.UTF8.GetString(result.Body ?? [])}");
        return JsonNode.Parse(result.Body)!["id"]!.GetValue<string>();
    }

    /// <summary>A clock that moves only when told to; timers and timestamps stay real.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
