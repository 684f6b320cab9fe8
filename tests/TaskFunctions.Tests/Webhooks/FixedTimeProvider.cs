namespace TaskFunctions.Tests.Webhooks;

/// <summary>A clock that always reads the same instant; elapsed time still comes from the real timestamp source.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
