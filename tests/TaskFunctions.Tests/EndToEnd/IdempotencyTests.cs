using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>
/// Idempotency-Key over HTTP against the self-host: a retried create answers the first task and creates nothing new
/// (no second record, orchestration or fal submit), a reused key with another request is refused, concurrent requests
/// with one key make one task, and an invalid key is a 422 that writes nothing.
/// </summary>
[Collection(SelfHostCollection.Name)]
public sealed class IdempotencyTests(SelfHostFixture fixture)
{
    [Fact]
    public async Task Create_SameKeyRetried_Returns200SameTaskWithoutSecondSubmit()
    {
        using var client = fixture.Client(NewTenant());
        var app = FakeFalFixture.NewAppId();
        var body = Generation(app);
        var key = Guid.NewGuid().ToString();

        var (firstStatus, first, firstReplayed) = await CreateAsync(client, ApiCalls.Tasks, body, key);
        var id = first!["id"]!.GetValue<string>();
        var final = await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);
        var submits = fixture.Fal.SubmitCount(app);
        var (retryStatus, retry, retryReplayed) = await CreateAsync(client, ApiCalls.Tasks, body, key);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Null(firstReplayed);
        Assert.Equal(HttpStatusCode.OK, retryStatus);
        Assert.Equal("true", retryReplayed);
        Assert.Equal(id, retry!["id"]!.GetValue<string>());
        Assert.Equal(final["status"]!.GetValue<string>(), retry["status"]!.GetValue<string>());
        Assert.Equal(submits, fixture.Fal.SubmitCount(app));
        AssertOneSubmitPerAttempt(app, final);
        Assert.Equal([id], await TaskIdsAsync(client));
        Assert.Equal(1, await InstanceCountAsync([id]));
    }

    [Fact]
    public async Task CreateGeneration_SameKeyRetriedOnEitherRoute_ReturnsSameTask()
    {
        using var client = fixture.Client(NewTenant());
        var body = Generation(FakeFalFixture.NewAppId());
        var withoutType = body.DeepClone().AsObject();
        withoutType.Remove("task_type");
        var key = Guid.NewGuid().ToString();

        var (_, first, _) = await CreateAsync(client, ApiCalls.Tasks + "generation", withoutType, key);
        var (status, retry, replayed) = await CreateAsync(client, ApiCalls.Tasks, body, key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("true", replayed);
        Assert.Equal(first!["id"]!.GetValue<string>(), retry!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_SameKeyDifferentBody_Returns422NamingTheHeaderAndCreatesNothing()
    {
        using var client = fixture.Client(NewTenant());
        var app = FakeFalFixture.NewAppId();
        var key = Guid.NewGuid().ToString();
        var (_, first, _) = await CreateAsync(client, ApiCalls.Tasks, Generation(app), key);
        var changed = Generation(app);
        changed["prompt"] = "a blue bicycle";

        var (status, json, _) = await CreateAsync(client, ApiCalls.Tasks, changed, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = Assert.Single(json!["detail"]!.AsArray());
        Assert.Equal(["header", "idempotency-key"], error!["loc"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("idempotency_key_reused", error["type"]!.GetValue<string>());
        Assert.Contains("Idempotency-Key", error["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([first!["id"]!.GetValue<string>()], await TaskIdsAsync(client));
    }

    [Fact]
    public async Task Create_TenConcurrentWithOneKey_CreateOneTaskAndOneOrchestration()
    {
        using var client = fixture.Client(NewTenant());
        var app = FakeFalFixture.NewAppId();
        var body = Generation(app);
        var key = Guid.NewGuid().ToString();

        using var start = new ManualResetEventSlim();
        var sends = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            start.Wait(TimeSpan.FromSeconds(10));
            return await CreateAsync(client, ApiCalls.Tasks, body, key);
        })).ToArray();
        start.Set();
        var answers = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{(int)a.Status} {a.Body?.ToJsonString()}"));
        var ids = answers.Select(a => a.Body!["id"]!.GetValue<string>()).Distinct().ToList();
        var id = Assert.Single(ids);
        Assert.Single(answers, a => a.Replayed is null);
        var final = await ApiCalls.WaitForAsync(client, id, ApiCalls.IsTerminal);
        Assert.Equal([id], await TaskIdsAsync(client));
        Assert.Equal(1, await InstanceCountAsync([id]));
        AssertOneSubmitPerAttempt(app, final);
    }

    [Fact]
    public async Task Create_SameKeyOtherTenant_CreatesItsOwnTask()
    {
        using var first = fixture.Client(NewTenant());
        using var second = fixture.Client(NewTenant());
        var body = Generation(FakeFalFixture.NewAppId());
        var key = Guid.NewGuid().ToString();

        var (_, one, _) = await CreateAsync(first, ApiCalls.Tasks, body, key);
        var (status, other, replayed) = await CreateAsync(second, ApiCalls.Tasks, body, key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(replayed);
        Assert.NotEqual(one!["id"]!.GetValue<string>(), other!["id"]!.GetValue<string>());
        Assert.Single(await TaskIdsAsync(first));
        Assert.Single(await TaskIdsAsync(second));
    }

    [Fact]
    public async Task Create_KeyOfDeletedTask_CreatesNewTask()
    {
        using var client = fixture.Client(NewTenant());
        var body = Generation(FakeFalFixture.NewAppId());
        var key = Guid.NewGuid().ToString();
        var (_, first, _) = await CreateAsync(client, ApiCalls.Tasks, body, key);
        var firstId = first!["id"]!.GetValue<string>();
        var (deleted, _) = await ApiCalls.SendAsync(client, HttpMethod.Delete, ApiCalls.Tasks + firstId);

        var (status, again, replayed) = await CreateAsync(client, ApiCalls.Tasks, body, key);

        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(replayed);
        Assert.NotEqual(firstId, again!["id"]!.GetValue<string>());
        Assert.Equal([again["id"]!.GetValue<string>()], await TaskIdsAsync(client));
    }

    [Fact]
    public async Task Create_KeyLeftByCrashedCreate_FinishesThatVeryTask()
    {
        var tenant = NewTenant();
        using var client = fixture.Client(tenant);
        var app = FakeFalFixture.NewAppId();
        var body = Generation(app);
        var key = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow;
        var abandoned = await ReserveAsync(tenant, key, body, createdAt: now - TimeSpan.FromMinutes(2), leaseUntil: now - TimeSpan.FromMinutes(1));

        var (status, created, replayed) = await CreateAsync(client, ApiCalls.Tasks, body, key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(replayed);
        Assert.Equal(abandoned, created!["id"]!.GetValue<string>());
        var final = await ApiCalls.WaitForAsync(client, abandoned, ApiCalls.IsTerminal);
        Assert.Equal("COMPLETED", final["status"]!.GetValue<string>());
        AssertOneSubmitPerAttempt(app, final);
    }

    [Fact]
    public async Task Create_KeyHeldByCreateStillInProgress_Returns409AfterABoundedWait()
    {
        var tenant = NewTenant();
        using var client = fixture.Client(tenant);
        var body = Generation(FakeFalFixture.NewAppId());
        var key = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow;
        await ReserveAsync(tenant, key, body, createdAt: now, leaseUntil: now + TimeSpan.FromMinutes(5));

        var started = DateTime.UtcNow;
        using var request = CreateRequest(ApiCalls.Tasks, body, key);
        using var response = await client.SendAsync(request);
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();
        Assert.Contains("Idempotency-Key", detail, StringComparison.Ordinal);
        Assert.Contains("in progress", detail, StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.InRange(elapsed, IdempotencyRules.InProgressWait - TimeSpan.FromSeconds(2), IdempotencyRules.InProgressWait + TimeSpan.FromSeconds(20));
        Assert.Empty(await TaskIdsAsync(client));
    }

    public static TheoryData<string, byte[]> InvalidKeys => new()
    {
        { "empty", [] },
        { "256 characters", Encoding.ASCII.GetBytes(new string('k', IdempotencyKey.MaxLength + 1)) },
        { "non-ASCII (UTF-8)", Encoding.UTF8.GetBytes("ключ-1") },
        { "inner space", Encoding.ASCII.GetBytes("my key") },
        { "inner tab", Encoding.ASCII.GetBytes("my\tkey") },
        { "control character", [(byte)'k', 0x01, (byte)'y'] },
        { "DEL", [(byte)'k', 0x7F, (byte)'y'] },
    };

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task Create_InvalidKeyHeader_Returns422AtHeaderAndWritesNothing(string name, byte[] value)
    {
        var tenant = NewTenant();
        var body = Generation(FakeFalFixture.NewAppId()).ToJsonString();

        var (status, json) = await RawCreateAsync(tenant, body, value);

        Assert.True(status == 422, $"{name}: {status} {json}");
        var error = Assert.Single(JsonNode.Parse(json)!["detail"]!.AsArray());
        Assert.Equal(["header", "idempotency-key"], error!["loc"]!.AsArray().Select(n => n!.GetValue<string>()));
        using var client = fixture.Client(tenant);
        Assert.Empty(await TaskIdsAsync(client));
        Assert.Equal(0, await ReservationCountAsync(tenant));
    }

    [Fact]
    public async Task Create_KeyBytesNotUtf8_RefusedByTheServerAndWritesNothing()
    {
        // Kestrel decodes header values as UTF-8 and refuses the request itself (400, before the API runs) when they
        // are not; a Latin-1 'é' is such a byte.
        var tenant = NewTenant();

        var (status, _) = await RawCreateAsync(tenant, Generation(FakeFalFixture.NewAppId()).ToJsonString(), [(byte)'k', 0xE9, (byte)'y']);

        Assert.Equal(400, status);
        using var client = fixture.Client(tenant);
        Assert.Empty(await TaskIdsAsync(client));
        Assert.Equal(0, await ReservationCountAsync(tenant));
    }

    [Fact]
    public async Task Create_InvalidKeyAndInvalidBody_AnswersTheKeyFirst()
    {
        using var client = fixture.Client(NewTenant());

        var (status, json, _) = await CreateAsync(client, ApiCalls.Tasks, new JsonObject { ["task_type"] = "GENERATION" }, new string('x', 300));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("header", json!["detail"]![0]!["loc"]![0]!.GetValue<string>());
    }

    /// <summary>
    /// Every fal submit of <paramref name="app"/> came from the one task's own attempts: at least one, and no more than
    /// 1 + its retry_count (a submit that times out on a loaded machine is retried, which is the workflow's business,
    /// not a duplicate create).
    /// </summary>
    private void AssertOneSubmitPerAttempt(string app, JsonObject final)
    {
        var submits = fixture.Fal.SubmitCount(app);
        var attempts = 1 + final["retry_count"]!.GetValue<int>();
        Assert.True(submits >= 1 && submits <= attempts, $"{submits} submits for {attempts} attempt(s): {final.ToJsonString()}");
    }

    private static string NewTenant() => "t-" + Guid.NewGuid().ToString("N");

    private static JsonObject Generation(string app) => new()
    {
        ["task_type"] = "GENERATION",
        ["origin_instance"] = "tests",
        ["prompt"] = "a red bicycle",
        ["fal_app_id"] = app,
    };

    private static HttpRequestMessage CreateRequest(string path, JsonObject body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, key);
        return request;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body, string? Replayed)> CreateAsync(HttpClient client, string path, JsonObject body, string key)
    {
        using var request = CreateRequest(path, body, key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var replayed = response.Headers.TryGetValues(IdempotencyKey.ReplayedHeaderName, out var values) ? string.Join(",", values) : null;
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), replayed);
    }

    /// <summary>A create with the header's value as exact bytes (HttpClient refuses or rewrites some of them).</summary>
    private async Task<(int Status, string Body)> RawCreateAsync(string tenant, string body, byte[] keyValue)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Host.Port);
        using var stream = tcp.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var head = new MemoryStream();
        await head.WriteAsync(Encoding.ASCII.GetBytes("POST /api/v1/tasks/ HTTP/1.1\r\nHost: localhost\r\n"
            + $"Authorization: Bearer {TestAuth.Token(tenant)}\r\nContent-Type: application/json\r\n"
            + $"Content-Length: {bodyBytes.Length}\r\nConnection: close\r\nIdempotency-Key: "));
        await head.WriteAsync(keyValue);
        await head.WriteAsync("\r\n\r\n"u8.ToArray());
        await head.WriteAsync(bodyBytes);
        await stream.WriteAsync(head.ToArray(), timeout.Token);

        var response = new MemoryStream();
        await stream.CopyToAsync(response, timeout.Token);
        var text = Encoding.UTF8.GetString(response.ToArray());
        var status = int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split < 0 ? string.Empty : text[(split + 4)..]);
    }

    private static async Task<List<string>> TaskIdsAsync(HttpClient client)
    {
        var (status, list) = await ApiCalls.GetAsync(client, ApiCalls.Tasks + "?include_deleted=true");
        Assert.Equal(HttpStatusCode.OK, status);
        return list!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();
    }

    /// <summary>How many of <paramref name="ids"/> have an orchestration in the hub's Instances table.</summary>
    private async Task<int> InstanceCountAsync(IEnumerable<string> ids)
    {
        var table = new TableServiceClient(fixture.StorageConnectionString).GetTableClient(fixture.Host.Environment["TASKHUB_NAME"] + "Instances");
        var count = 0;
        foreach (var id in ids)
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == id, select: ["PartitionKey"]))
            {
                count++;
            }
        }

        return count;
    }

    private async Task<int> ReservationCountAsync(string tenant)
    {
        var table = new TableServiceClient(fixture.StorageConnectionString).GetTableClient(fixture.Host.Environment["Storage__IdempotencyTable"]);
        var partition = TableIdempotencyStore.PartitionKey(IdempotencyRules.ScopeOf(tenant));
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }

    /// <summary>Writes the reservation a create that died (or is still at work) would have left in the self-host's table; returns its task id.</summary>
    private async Task<string> ReserveAsync(string tenant, string key, JsonObject body, DateTimeOffset createdAt, DateTimeOffset leaseUntil)
    {
        await using var services = await CoreServices.BuildAsync(fixture.StorageConnectionString, extraSettings: new Dictionary<string, string?>
        {
            ["Storage:IdempotencyTable"] = fixture.Host.Environment["Storage__IdempotencyTable"],
        });
        var parsed = TaskRequestParser.ParseCreate(Encoding.UTF8.GetBytes(body.ToJsonString()));
        var reservation = await services.GetRequiredService<IIdempotencyStore>().TryAddAsync(new IdempotencyReservation
        {
            Scope = IdempotencyRules.ScopeOf(tenant),
            Key = key,
            TaskId = Guid.NewGuid().ToString("D"),
            RequestHash = RequestFingerprint.Of(parsed.Value!),
            CreatedAt = createdAt,
            LeaseUntil = leaseUntil,
        });
        return reservation!.TaskId;
    }
}
