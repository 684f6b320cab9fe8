using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;

namespace TaskFunctions.Tests.Workflow;

public sealed class ProviderCatalogTests
{
    [Theory]
    [InlineData(TaskType.GENERATION, ProviderType.FAL)]
    [InlineData(TaskType.EDITING, ProviderType.FAL)]
    [InlineData(TaskType.REFINE, ProviderType.FAL)]
    [InlineData(TaskType.EXPERIMENTAL_FAL, ProviderType.FAL)]
    [InlineData(TaskType.IMAGE_ADJUSTER, ProviderType.LOCAL)]
    [InlineData(TaskType.BACKGROUND_FIX, ProviderType.LOCAL)]
    [InlineData(TaskType.VIDEO_GENERATION, ProviderType.FAL)]
    [InlineData(TaskType.LLM_INTERACTION, ProviderType.FAL)]
    [InlineData(TaskType.BACKGROUND_REMOVAL, ProviderType.FAL)]
    [InlineData(TaskType.DETAIL_ENHANCER, ProviderType.FAL)]
    [InlineData(TaskType.FACE_ENHANCER, ProviderType.FAL)]
    public void DefaultProvider_KindWithExecutor_IsThatExecutorsProvider(TaskType kind, ProviderType provider)
    {
        Assert.Equal(provider, ProviderCatalog.DefaultProvider(kind));
        Assert.NotEqual(StageExecutor.Missing, ProviderCatalog.Executor(kind, provider));
    }

    [Theory]
    [InlineData(TaskType.EXPERIMENTAL_FAL, ProviderType.REPLICATE)]
    [InlineData(TaskType.VIDEO_GENERATION, ProviderType.OPENAI)]
    [InlineData(TaskType.IMAGE_ADJUSTER, ProviderType.FAL)]
    [InlineData(TaskType.VIDEO_GENERATION, ProviderType.LOCAL)]
    [InlineData(TaskType.BACKGROUND_FIX, ProviderType.FAL)]
    public void Executor_PairWithoutImplementation_IsMissing(TaskType kind, ProviderType provider) =>
        Assert.Equal(StageExecutor.Missing, ProviderCatalog.Executor(kind, provider));

    [Fact]
    public void Executor_EveryKindOnItsDefaultProvider_IsNotMissing()
    {
        foreach (var kind in TaskKinds.All)
        {
            Assert.NotEqual(StageExecutor.Missing, ProviderCatalog.Executor(kind, ProviderCatalog.DefaultProvider(kind)));
        }
    }

    [Theory]
    [InlineData(ProviderJobState.Queued, 5, null, 1 + 8.0 / 6)]
    [InlineData(ProviderJobState.Queued, 0, null, 9.0)]
    [InlineData(ProviderJobState.Running, null, null, 10.0)]
    [InlineData(ProviderJobState.Running, null, 50.0, 52.5)]
    [InlineData(ProviderJobState.Running, null, 250.0, 95.0)]
    [InlineData(ProviderJobState.Completed, null, null, 95.0)]
    public void Progress_Status_MapsOntoZeroToHundred(ProviderJobState state, int? position, double? percent, double expected)
    {
        var progress = PollProviderJobActivity.Progress(new ProviderJobStatus(state, position, percent));

        Assert.Equal(Math.Round(expected, 1), progress, 1);
    }

    [Fact]
    public void Progress_QueuePositionFalls_ProgressRises()
    {
        var values = Enumerable.Range(0, 10).Reverse()
            .Select(p => PollProviderJobActivity.Progress(new ProviderJobStatus(ProviderJobState.Queued, p)))
            .ToList();

        Assert.Equal(values.Order(), values);
        Assert.True(values[^1] < PollProviderJobActivity.Progress(new ProviderJobStatus(ProviderJobState.Running)));
    }

    [Fact]
    public void ResumeGap_ConfiguredFloorAndPollSchedule_TakesTheLonger()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), PollProviderJobActivity.ResumeGap(new ProviderPollingOptions { MaxInterval = TimeSpan.FromSeconds(1), ResumeGap = TimeSpan.FromSeconds(15) }));
        Assert.Equal(TimeSpan.FromSeconds(60), PollProviderJobActivity.ResumeGap(new ProviderPollingOptions { MaxInterval = TimeSpan.FromSeconds(20), ResumeGap = TimeSpan.FromSeconds(15) }));
    }
}
