using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// One status poll: maps queue position and provider percent onto <c>progress</c> and journals the call. A poll that was
/// already recorded (delivered again after its worker died), or one run by another process incarnation after a gap well
/// beyond the poll schedule, means the job was re-attached after an interruption, which is recorded as a resume.
/// </summary>
public sealed class PollProviderJobActivity(ITaskStore store, TaskMutator mutator, JobProviderRegistry registry, ProviderPolicies policies, TimeProvider time)
    : JobActivityBase(store, mutator, time), ITaskActivity<JobStepInput, PollJobResult>
{
    /// <summary>Progress while queued rises towards this as the queue position falls to 0; running work maps the provider's percent above it.</summary>
    public const double QueuedProgress = 9;

    public const double RunningProgress = 10;

    public const double FinishingProgress = 95;

    public async Task<PollJobResult> RunAsync(JobStepInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var live = await LoadLiveAsync(input.TaskId, cancellationToken, recent => IsLeftByThisWorker(recent.Internal.ActiveJob, input));
        if (live is not { Document: var task, Stored: var stored })
        {
            return new PollJobResult(null, null, TaskEnded: true);
        }

        var log = NewLog(input.Job.Provider, input.Attempt);
        ProviderJobStatus? status = null;
        ProviderFailure? failure = null;
        try
        {
            status = await registry.Provider(input.Job.Provider).GetStatusAsync(input.Job, log, cancellationToken);
        }
        catch (ProviderException ex)
        {
            failure = ex.Failure;
        }

        var resumeGap = ResumeGap(policies.For(input.Job.Provider).Polling);
        if (status?.State == ProviderJobState.Completed && !IsResume(task.Internal.ActiveJob, input, Time.GetUtcNow(), resumeGap))
        {
            // The result fetch follows at once and CompleteTask writes progress 100: no write here, the calls travel on.
            // (A resumed job is written below even when complete, so the resume is never lost.)
            return new PollJobResult(ProviderJobState.Completed, null, ServiceRequests: [.. log.Entries]);
        }

        var recorded = await RecordAsync(input.TaskId, log, t =>
        {
            var now = Time.GetUtcNow();
            if (t.Internal.ActiveJob is { } active && active.Job.JobId == input.Job.JobId)
            {
                if (IsResume(active, input, now, resumeGap))
                {
                    MarkResumed(t, now);
                }

                active.LastPollStep = Math.Max(active.LastPollStep, input.Step);
                active.LastPolledAt = now;
                active.LastWorker = WorkerIdentity.Current;
                active.QueuePosition = status?.State == ProviderJobState.Queued ? status.QueuePosition : null;
            }

            if (status is not null)
            {
                t.Progress = Math.Max(t.Progress, Progress(status));
            }
        }, cancellationToken, stored);

        return recorded ? new PollJobResult(status?.State, status?.Failure ?? failure) : new PollJobResult(null, null, TaskEnded: true);
    }

    /// <summary>
    /// Whether <paramref name="active"/> shows this job exactly as this process's previous step left it (submitted, or
    /// polled at the step before this one, by this worker): every poll that is not the last writes its step, so a copy
    /// missing a later step's write cannot pass, and the resume check below then reads the same on the copy as on the
    /// record. A cancel since is the orchestration's cancel event; a write it missed fails its ETag condition.
    /// </summary>
    private static bool IsLeftByThisWorker(ProviderJobRecord? active, JobStepInput input) =>
        active is not null && active.Job.JobId == input.Job.JobId && active.LastPollStep == input.Step - 1 && active.LastWorker == WorkerIdentity.Current;

    /// <summary>
    /// Whether this poll picks the job up again: the same step delivered twice, or another worker polled last and either
    /// this process did not exist yet (a restart or a replacement) or the job sat unpolled far longer than the schedule
    /// allows (its worker died, this one took over).
    /// </summary>
    private static bool IsResume(ProviderJobRecord? active, JobStepInput input, DateTimeOffset now, TimeSpan resumeGap)
    {
        if (active is null || active.Job.JobId != input.Job.JobId)
        {
            return false;
        }

        var last = active.LastPolledAt ?? active.SubmittedAt;
        var redelivered = input.Step > 0 && input.Step <= active.LastPollStep;
        var reattached = active.LastWorker is not null && active.LastWorker != WorkerIdentity.Current
            && (last < WorkerIdentity.StartedAt || now - last > resumeGap);
        return redelivered || reattached;
    }

    /// <summary>Progress 0–100 from a status: queued low, running from the provider's percent, complete just short of 100.</summary>
    public static double Progress(ProviderJobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.State switch
        {
            ProviderJobState.Queued => Math.Round(1 + ((QueuedProgress - 1) / (1 + Math.Max(0, status.QueuePosition ?? 8))), 1),
            ProviderJobState.Running when status.Percent is { } percent =>
                Math.Round(RunningProgress + ((FinishingProgress - RunningProgress) * Math.Clamp(percent, 0, 100) / 100), 1),
            ProviderJobState.Running => RunningProgress,
            ProviderJobState.Completed => FinishingProgress,
            _ => 0,
        };
    }

    /// <summary>A gap this far beyond the slowest poll interval cannot be the schedule: the job was left and picked up again.</summary>
    public static TimeSpan ResumeGap(ProviderPollingOptions polling)
    {
        ArgumentNullException.ThrowIfNull(polling);
        var threeIntervals = polling.MaxInterval * 3;
        return threeIntervals > polling.ResumeGap ? threeIntervals : polling.ResumeGap;
    }
}
