namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>What a <see cref="FalJobPlan"/> does at submit and after.</summary>
internal enum FalPlanKind
{
    Succeeds,
    Hangs,
    SubmitFails,
    SubmitHangs,
}
