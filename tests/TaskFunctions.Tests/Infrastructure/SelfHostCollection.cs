namespace TaskFunctions.Tests.Infrastructure;

/// <summary>End-to-end tests share one self-host; each test uses its own tenant ids so they never collide.</summary>
[CollectionDefinition(Name)]
public sealed class SelfHostCollection : ICollectionFixture<SelfHostFixture>
{
    public const string Name = "SelfHost";
}
