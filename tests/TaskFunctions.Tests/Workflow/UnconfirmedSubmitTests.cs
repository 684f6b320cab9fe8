using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;
using TaskFunctions.Tests.Infrastructure.FakeReplicate;

namespace TaskFunctions.Tests.Workflow;

/// <summary>
/// The submit activity's answer to a submit whose outcome never arrived (process died after sending, or the call timed
/// out), on Azurite against the fake fal and Replicate servers: Replicate is asked and its job adopted, fal's possible job
/// is recorded as unconfirmed.
/// </summary>
[Collection("Azurite")]
public sealed class UnconfirmedSubmitTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FakeFalServer fal = null!;
    private FakeReplicateServer replicate = null!;

    public async Task InitializeAsync()
    {
        fal = await FakeFalServer.StartAsync();
        replicate = await FakeReplicateServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await fal.DisposeAsync();
        await replicate.DisposeAsync();
    }

    [Fact]
    public async Task Submit_FalIntentLeftByDeadRun_RecordsUnconfirmedAndSubmits()
    {
        await using var provider = await ServicesAsync();
        var app = FakeFalFixture.NewAppId();
        var taskId = await CreateAsync(provider, ProviderType.FAL, app);
        var input = new JobAttemptInput(taskId, 0, 1, ProviderType.FAL);
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30);
        await LeaveIntentAsync(provider, input, sentAt);

        var result = await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(input);

        Assert.NotNull(result.Job);
        Assert.Equal(1, fal.SubmitCount(app));
        var task = await ReadAsync(provider, taskId);
        var unconfirmed = Assert.Single(task.Internal.UnconfirmedSubmits!);
        Assert.Equal((input.AttemptKey, ProviderType.FAL, app), (unconfirmed.AttemptKey, unconfirmed.Provider, unconfirmed.Endpoint));
        Assert.Equal(sentAt, unconfirmed.SentAt);
        Assert.Contains("interrupted", unconfirmed.Reason, StringComparison.Ordinal);
        Assert.Null(task.Internal.SubmitIntent);
        Assert.Equal(result.Job!.JobId, task.Internal.ActiveJob!.Job.JobId);
    }

    [Fact]
    public async Task Submit_FalSubmitTimesOut_RecordsUnconfirmedAndReportsTheTimeout()
    {
        await using var provider = await ServicesAsync(falTimeout: "00:00:01");
        var app = FakeFalFixture.NewAppId();
        fal.Script(app).Then(FalJobPlan.SubmitHangs());
        var taskId = await CreateAsync(provider, ProviderType.FAL, app);
        var input = new JobAttemptInput(taskId, 0, 1, ProviderType.FAL);

        var result = await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(input);

        Assert.Null(result.Job);
        Assert.Equal(ErrorCategory.TIMEOUT, result.Failure!.Category);
        Assert.True(result.Failure.OutcomeUnknown);
        var task = await ReadAsync(provider, taskId);
        var unconfirmed = Assert.Single(task.Internal.UnconfirmedSubmits!);
        Assert.Equal("timed out", unconfirmed.Reason);
        Assert.Null(task.Internal.SubmitIntent);
    }

    [Fact]
    public async Task Submit_ReplicateIntentLeftByDeadRunWhosePredictionExists_AdoptsItWithoutCreating()
    {
        await using var provider = await ServicesAsync();
        var model = FakeReplicateFixture.NewModel();
        var taskId = await CreateAsync(provider, ProviderType.REPLICATE, model);
        var input = new JobAttemptInput(taskId, 0, 1, ProviderType.REPLICATE);
        await LeaveIntentAsync(provider, input, DateTimeOffset.UtcNow);

        // What the dead run sent: the same request, answered, but the answer never recorded.
        var registry = provider.GetRequiredService<JobProviderRegistry>();
        var request = await registry.RequestFactory(ProviderType.REPLICATE, TaskType.GENERATION).CreateAsync(await ReadAsync(provider, taskId), JobPart.Main, CancellationToken.None);
        var lost = await registry.Provider(ProviderType.REPLICATE).SubmitAsync(request, new ServiceRequestLog(ProviderType.REPLICATE, 1, TimeProvider.System), CancellationToken.None);

        var result = await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(input);

        Assert.Equal(lost.JobId, result.Job?.JobId);
        Assert.Null(result.Failure);
        Assert.Single(replicate.Calls(model), c => c.Kind == "create");
        var task = await ReadAsync(provider, taskId);
        Assert.Equal(lost.JobId, task.Internal.ActiveJob!.Job.JobId);
        Assert.True(task.Internal.IsResumed);
        Assert.Null(task.Internal.SubmitIntent);
        Assert.Null(task.Internal.UnconfirmedSubmits);
    }

    [Fact]
    public async Task Submit_ReplicateIntentLeftByDeadRunThatNeverArrived_CreatesOnce()
    {
        await using var provider = await ServicesAsync();
        var model = FakeReplicateFixture.NewModel();
        var taskId = await CreateAsync(provider, ProviderType.REPLICATE, model);
        var input = new JobAttemptInput(taskId, 0, 1, ProviderType.REPLICATE);
        await LeaveIntentAsync(provider, input, DateTimeOffset.UtcNow);

        var result = await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(input);

        Assert.NotNull(result.Job);
        Assert.Single(replicate.Calls(model), c => c.Kind == "create");
        Assert.True(replicate.ListCount > 0);
        Assert.Null((await ReadAsync(provider, taskId)).Internal.UnconfirmedSubmits);
    }

    [Fact]
    public async Task Submit_ReplicateCreateTimesOutAfterLanding_FindsAndAdoptsThePrediction()
    {
        await using var provider = await ServicesAsync(replicateTimeout: "00:00:01");
        var model = FakeReplicateFixture.NewModel();
        replicate.Script(model).Then(ReplicatePlan.CreatesThenHangs());
        var taskId = await CreateAsync(provider, ProviderType.REPLICATE, model);

        var result = await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.REPLICATE));

        Assert.Null(result.Failure);
        Assert.NotNull(result.Job);
        Assert.Equal("starting", replicate.StatusOf(result.Job!.JobId));
        Assert.Single(replicate.Calls(model), c => c.Kind == "create");
        var task = await ReadAsync(provider, taskId);
        Assert.Equal(result.Job.JobId, task.Internal.ActiveJob!.Job.JobId);
        Assert.Contains(task.Internal.ServiceRequests!, r => r["url"]!.GetValue<string>().EndsWith("/v1/predictions", StringComparison.Ordinal) && r["method"]!.GetValue<string>() == "GET");
    }

    private Task<ServiceProvider> ServicesAsync(string falTimeout = "00:00:05", string replicateTimeout = "00:00:05")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:Fal:BaseUrl"] = fal.BaseUrl.ToString(),
            ["Providers:Fal:ApiKey"] = fal.ApiKey,
            ["Providers:Fal:RequestTimeout"] = falTimeout,
            ["Providers:Replicate:BaseUrl"] = replicate.BaseUrl.ToString(),
            ["Providers:Replicate:ApiToken"] = replicate.ApiToken,
            ["Providers:Replicate:RequestTimeout"] = replicateTimeout,
            ["Outbound:AllowedHosts:0"] = fal.HostPort,
            ["Outbound:AllowedHosts:1"] = replicate.HostPort,
        };
        return CoreServices.BuildAsync(azurite.ConnectionString, extraSettings: settings);
    }

    private static async Task<string> CreateAsync(IServiceProvider provider, ProviderType type, string endpoint)
    {
        var request = new CreateGenerationTask
        {
            OriginInstance = "tests",
            Prompt = "a red bicycle " + Guid.NewGuid().ToString("N"),
            ProviderType = type,
            FalAppId = type == ProviderType.FAL ? endpoint : null,
            ProviderConfig = type == ProviderType.REPLICATE ? new System.Text.Json.Nodes.JsonObject { ["model"] = endpoint } : null,
        };
        var taskId = Guid.NewGuid().ToString();
        var document = request.ToPublic(taskId, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        document.Status = TaskState.RUNNING;
        await provider.GetRequiredService<ITaskStore>().CreateAsync(SeedTasks.Stored(document, "tenant"));
        return taskId;
    }

    private static Task LeaveIntentAsync(IServiceProvider provider, JobAttemptInput input, DateTimeOffset at) =>
        provider.GetRequiredService<TaskMutator>().MutateAsync(input.TaskId, t =>
        {
            t.Internal.SubmitIntent = new SubmitIntentRecord { AttemptKey = input.AttemptKey, Provider = input.Provider, At = at };
            return t;
        });

    private static async Task<TaskPublicBase> ReadAsync(IServiceProvider provider, string taskId) =>
        TaskJson.DeserializeDocument((await provider.GetRequiredService<ITaskStore>().GetAsync(taskId))!.Document);
}
