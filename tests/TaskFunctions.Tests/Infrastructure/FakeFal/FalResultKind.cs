namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>What the result GET of a completed fake job answers.</summary>
internal enum FalResultKind
{
    Images,
    Video,
    Json,
    Failure,
}
