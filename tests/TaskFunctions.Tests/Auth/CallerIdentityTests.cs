using TaskFunctions.Core.Auth;

namespace TaskFunctions.Tests.Auth;

public sealed class CallerIdentityTests
{
    [Theory]
    [InlineData("tenant-a", false, "tenant-a", true)]
    [InlineData("tenant-a", false, "tenant-b", false)]
    [InlineData("tenant-a", false, "TENANT-A", false)]
    [InlineData("tenant-a", true, "tenant-b", true)]
    [InlineData(null, true, "tenant-b", true)]
    [InlineData(null, false, "tenant-b", false)]
    public void CanAccessTenant_TenantAndAdminCombinations_MatchesPolicy(string? ownTenant, bool isAdmin, string requested, bool expected)
    {
        // Arrange
        var identity = new CallerIdentity("user-1", ownTenant, isAdmin);

        // Act
        bool allowed = identity.CanAccessTenant(requested);

        // Assert
        Assert.Equal(expected, allowed);
    }
}
