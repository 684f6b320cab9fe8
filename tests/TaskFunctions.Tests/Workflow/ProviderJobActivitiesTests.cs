using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Infrastructure.FakeFal;

namespace TaskFunctions.Tests.Workflow;

/// <summary>The provider-job activities on real Azurite storage against the fake fal queue API.</summary>
[Collection("Azurite")]
public sealed class ProviderJobActivitiesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FakeFalServer fal = null!;

    public async Task InitializeAsync() => fal = await FakeFalServer.StartAsync();

    public async Task DisposeAsync() => await fal.DisposeAsync();

    [Fact]
    public async Task Submit_SameAttemptRunTwice_SubmitsOnceAndReattaches()
    {
        await using var provider = await ServicesAsync();
        var app = FakeFalFixture.NewAppId();
        fal.Script(app).Then(FalJobPlan.Hangs());
        var taskId = await CreateGenerationAsync(provider, app);
        var input = new JobAttemptInput(taskId, 0, 1, ProviderType.FAL);
        var submit = provider.GetRequiredService<SubmitProviderJobActivity>();

        var first = await submit.RunAsync(input);
        var again = await submit.RunAsync(input);

        Assert.NotNull(first.Job);
        Assert.Equal(first.Job, again.Job);
        Assert.Equal(1, fal.SubmitCount(app));
        var task = await ReadAsync(provider, taskId);
        Assert.Equal(first.Job!.JobId, ((GenerationTaskPublic)task).FalRequestId);
        Assert.True(task.Internal.IsResumed);
        Assert.Equal(1, task.Internal.ResumeAttemptCount);
    }

    [Fact]
    public async Task Submit_NextAttempt_SubmitsANewJob()
    {
        await using var provider = await ServicesAsync();
        var app = FakeFalFixture.NewAppId();
        var taskId = await CreateGenerationAsync(provider, app);
        var submit = provider.GetRequiredService<SubmitProviderJobActivity>();

        var first = await submit.RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.FAL));
        var second = await submit.RunAsync(new JobAttemptInput(taskId, 0, 2, ProviderType.FAL));

        Assert.NotEqual(first.Job!.JobId, second.Job!.JobId);
        Assert.Equal(2, fal.SubmitCount(app));
    }

    [Fact]
    public async Task Poll_SameStepDeliveredTwice_MarksResumedAndJournalsEveryCall()
    {
        await using var provider = await ServicesAsync();
        var app = FakeFalFixture.NewAppId();
        fal.Script(app).Then(FalJobPlan.Succeeds(queuePolls: 3));
        var taskId = await CreateGenerationAsync(provider, app);
        var job = (await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.FAL))).Job!;
        var poll = provider.GetRequiredService<PollProviderJobActivity>();

        var once = await poll.RunAsync(new JobStepInput(taskId, job, 1, Step: 1));
        var afterFirst = await ReadAsync(provider, taskId);
        var redelivered = await poll.RunAsync(new JobStepInput(taskId, job, 1, Step: 1));

        Assert.Equal(ProviderJobState.Queued, once.State);
        Assert.Equal(ProviderJobState.Queued, redelivered.State);
        Assert.Null(afterFirst.Internal.IsResumed);
        Assert.True(afterFirst.Progress is > 0 and < 10);
        var task = await ReadAsync(provider, taskId);
        Assert.True(task.Internal.IsResumed);
        Assert.Equal(3, task.Internal.ServiceRequests!.Count); // submit + two status calls
        Assert.All(task.Internal.ServiceRequests!, r => Assert.DoesNotContain("?", r["url"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, false, true)] // last polled by a worker before this process existed: a restart picked the job up
    [InlineData(true, true, true)] // ... and the job finished meanwhile: the completing poll still records the resume
    [InlineData(false, false, false)] // another live worker polled a moment ago: scale-out sharing, not a resume
    [InlineData(false, true, false)]
    public async Task Poll_LastPolledByAnotherWorker_ResumedOnlyWhenThisProcessStartedSince(bool beforeThisProcess, bool jobDone, bool resumed)
    {
        await using var provider = await ServicesAsync();
        var app = FakeFalFixture.NewAppId();
        fal.Script(app).Then(jobDone ? FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0) : FalJobPlan.Succeeds(queuePolls: 3));
        var taskId = await CreateGenerationAsync(provider, app);
        var job = (await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.FAL))).Job!;
        var lastPolled = beforeThisProcess ? WorkerIdentity.StartedAt.AddSeconds(-1) : DateTimeOffset.UtcNow;
        await provider.GetRequiredService<TaskMutator>().MutateAsync(taskId, t =>
        {
            t.Internal.ActiveJob!.LastWorker = "another-host:1:0";
            t.Internal.ActiveJob.LastPolledAt = lastPolled;
            t.Internal.ActiveJob.LastPollStep = 1;
            return t;
        });

        var polled = await provider.GetRequiredService<PollProviderJobActivity>().RunAsync(new JobStepInput(taskId, job, 1, Step: 2));

        var task = await ReadAsync(provider, taskId);
        Assert.Equal(jobDone ? ProviderJobState.Completed : ProviderJobState.Queued, polled.State);
        Assert.Equal(resumed, task.Internal.IsResumed == true);
        Assert.Equal(!jobDone || resumed ? WorkerIdentity.Current : "another-host:1:0", task.Internal.ActiveJob!.LastWorker);
    }

    [Fact]
    public async Task Poll_TaskCancelledMeanwhile_ReportsTaskEnded()
    {
        await using var provider = await ServicesAsync();
        var app = FakeFalFixture.NewAppId();
        fal.Script(app).Then(FalJobPlan.Hangs());
        var taskId = await CreateGenerationAsync(provider, app);
        var job = (await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.FAL))).Job!;
        await provider.GetRequiredService<TaskMutator>().MutateAsync(taskId, t =>
        {
            t.Status = TaskState.CANCELLED;
            return t;
        });

        var polled = await provider.GetRequiredService<PollProviderJobActivity>().RunAsync(new JobStepInput(taskId, job, 1, Step: 1));
        var cancelled = await provider.GetRequiredService<CancelProviderJobActivity>().RunAsync(new JobStepInput(taskId, job, 1));

        Assert.True(polled.TaskEnded);
        Assert.True(cancelled);
        Assert.Equal(1, fal.CancelCount(app));
        Assert.Equal(TaskState.CANCELLED, (await ReadAsync(provider, taskId)).Status);
    }

    [Fact]
    public async Task Fetch_ResultImage_CopiedUnderTaskPrefix()
    {
        await using var provider = await ServicesAsync();
        var app = FakeFalFixture.NewAppId();
        fal.Script(app).Then(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0, width: 20, height: 10));
        var taskId = await CreateGenerationAsync(provider, app);
        var job = (await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.FAL))).Job!;
        Assert.Equal(ProviderJobState.Completed, (await provider.GetRequiredService<PollProviderJobActivity>().RunAsync(new JobStepInput(taskId, job, 1, Step: 1))).State);

        var outcome = await provider.GetRequiredService<FetchProviderResultActivity>().RunAsync(new JobStepInput(taskId, job, 1));

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal($"generations/{taskId}/result.png", outcome.Results!["result_image_path"].GetString());
        await using var blob = await provider.GetRequiredService<IBlobStore>().OpenReadAsync("generations", $"{taskId}/result.png");
        Assert.NotNull(blob);
    }

    [Fact]
    public async Task Fetch_OutputUrlIsPlainHttpOnAHostNotAllowed_RefusedAsProviderError()
    {
        // Same fake, but its host is not in Outbound:AllowedHosts: plain http output URLs are refused, nothing stored.
        await using var provider = await ServicesAsync(allowFalHost: false);
        var app = FakeFalFixture.NewAppId();
        fal.Script(app).Then(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0));
        var taskId = await CreateGenerationAsync(provider, app);
        var job = (await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.FAL))).Job!;
        await provider.GetRequiredService<PollProviderJobActivity>().RunAsync(new JobStepInput(taskId, job, 1, Step: 1));

        var outcome = await provider.GetRequiredService<FetchProviderResultActivity>().RunAsync(new JobStepInput(taskId, job, 1));

        Assert.False(outcome.Succeeded);
        Assert.Equal(ErrorCategory.PROVIDER_ERROR, outcome.Category);
        Assert.False(outcome.Retryable);
        Assert.Empty(await provider.GetRequiredService<IBlobStore>().ListAsync("generations", taskId));
    }

    [Fact]
    public async Task Poll_CopyMissesAnotherProcessesPoll_ReadsRecordAndMarksResumed()
    {
        await using var processes = await TwoProcessesAsync(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0));
        var (provider, other, taskId) = (processes.Here, processes.Other, processes.TaskId);
        var job = (await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.FAL))).Job!;

        // This process's copy shows the job as its submit left it; another process then polled it and died long ago.
        await other.GetRequiredService<TaskMutator>().MutateAsync(taskId, t =>
        {
            t.Internal.ActiveJob!.LastWorker = "another-host:1:0";
            t.Internal.ActiveJob.LastPolledAt = WorkerIdentity.StartedAt.AddSeconds(-1);
            t.Internal.ActiveJob.LastPollStep = 1;
            return t;
        });
        var polled = await provider.GetRequiredService<PollProviderJobActivity>().RunAsync(new JobStepInput(taskId, job, 1, Step: 2));

        Assert.Equal(ProviderJobState.Completed, polled.State);
        var task = await ReadAsync(other, taskId);
        Assert.True(task.Internal.IsResumed);
        Assert.Equal(WorkerIdentity.Current, task.Internal.ActiveJob!.LastWorker);
    }

    [Fact]
    public async Task Submit_CopyMissesJobAnotherRunRecorded_ReattachesWithoutSubmittingAgain()
    {
        await using var processes = await TwoProcessesAsync(FalJobPlan.Hangs());
        var (provider, other, taskId) = (processes.Here, processes.Other, processes.TaskId);
        var input = new JobAttemptInput(taskId, 0, 1, ProviderType.FAL);

        // The same attempt ran in another process (a re-delivery) after this process last saw the record.
        var elsewhere = await other.GetRequiredService<SubmitProviderJobActivity>().RunAsync(input);
        var here = await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(input);

        Assert.Equal(elsewhere.Job, here.Job);
        Assert.Equal(1, fal.SubmitCount(processes.App));
        Assert.True((await ReadAsync(other, taskId)).Internal.IsResumed);
    }

    [Fact]
    public async Task CompleteTask_CopyStaleAfterCancelElsewhere_KeepsCancelledAndDeletesLateFiles()
    {
        await using var processes = await TwoProcessesAsync(FalJobPlan.Succeeds(queuePolls: 0, progressPolls: 0));
        var (provider, other, taskId) = (processes.Here, processes.Other, processes.TaskId);
        var job = (await provider.GetRequiredService<SubmitProviderJobActivity>().RunAsync(new JobAttemptInput(taskId, 0, 1, ProviderType.FAL))).Job!;
        await provider.GetRequiredService<PollProviderJobActivity>().RunAsync(new JobStepInput(taskId, job, 1, Step: 1));
        var fetched = await provider.GetRequiredService<FetchProviderResultActivity>().RunAsync(new JobStepInput(taskId, job, 1));
        await other.GetRequiredService<TaskMutator>().MutateAsync(taskId, t =>
        {
            t.Status = TaskState.CANCELLED;
            return t;
        });

        var completed = await provider.GetRequiredService<CompleteTaskActivity>().RunAsync(new CompleteTaskInput(taskId, fetched.Results!));

        Assert.True(fetched.Succeeded);
        Assert.False(completed);
        Assert.Equal(TaskState.CANCELLED, (await ReadAsync(other, taskId)).Status);
        Assert.Empty(await provider.GetRequiredService<IBlobStore>().ListAsync("generations", taskId));
    }

    /// <summary>Two processes of one deployment (same tables, each its own services) and a RUNNING task on a fal app scripted with <paramref name="plan"/>.</summary>
    private async Task<TwoProcesses> TwoProcessesAsync(FalJobPlan plan)
    {
        var here = await ServicesAsync();
        var other = await ServicesAsync(sameTablesAs: here);
        var app = FakeFalFixture.NewAppId();
        fal.Script(app).Then(plan);
        return new TwoProcesses(here, other, app, await CreateGenerationAsync(here, app));
    }

    private sealed record TwoProcesses(ServiceProvider Here, ServiceProvider Other, string App, string TaskId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Here.DisposeAsync();
            await Other.DisposeAsync();
        }
    }

    private Task<ServiceProvider> ServicesAsync(bool allowFalHost = true, IServiceProvider? sameTablesAs = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Providers:Fal:BaseUrl"] = fal.BaseUrl.ToString(),
            ["Providers:Fal:ApiKey"] = fal.ApiKey,
            ["Providers:Fal:RequestTimeout"] = "00:00:05",
        };
        if (allowFalHost)
        {
            settings["Outbound:AllowedHosts:0"] = fal.HostPort;
        }

        if (sameTablesAs is not null)
        {
            // Another process of the same deployment: same tables, its own services (and its own copies of records).
            var storage = sameTablesAs.GetRequiredService<IOptions<StorageOptions>>().Value;
            settings["Storage:TasksTable"] = storage.TasksTable;
            settings["Storage:TaskIndexTable"] = storage.TaskIndexTable;
            settings["Storage:IdempotencyTable"] = storage.IdempotencyTable;
        }

        return CoreServices.BuildAsync(azurite.ConnectionString, extraSettings: settings);
    }

    private static async Task<string> CreateGenerationAsync(IServiceProvider provider, string app)
    {
        var request = new CreateGenerationTask { OriginInstance = "tests", Prompt = "a red bicycle", FalAppId = app, ProviderType = ProviderType.FAL };
        var taskId = Guid.NewGuid().ToString();
        var document = request.ToPublic(taskId, "tenant", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        document.Status = TaskState.RUNNING;
        await provider.GetRequiredService<ITaskStore>().CreateAsync(SeedTasks.Stored(document, "tenant"));
        return taskId;
    }

    private static async Task<TaskPublicBase> ReadAsync(IServiceProvider provider, string taskId) =>
        TaskJson.DeserializeDocument((await provider.GetRequiredService<ITaskStore>().GetAsync(taskId))!.Document);
}
