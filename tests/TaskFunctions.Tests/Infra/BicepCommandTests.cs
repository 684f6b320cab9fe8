namespace TaskFunctions.Tests.Infra;

/// <summary>infra/main.bicep and its modules compile and lint cleanly with the pinned bicep CLI.</summary>
public sealed class BicepCommandTests
{
    [Fact]
    public void Build_MainTemplate_SucceedsWithoutWarnings()
    {
        var build = CompiledTemplate.Build;

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain("Warning", build.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Error", build.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("{", build.Stdout.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_MainTemplate_ExitsZeroAndPrintsNothing()
    {
        var lint = BicepCli.Run("lint", "infra/main.bicep");

        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.True(lint.Stdout.Trim().Length == 0 && lint.Stderr.Trim().Length == 0, lint.ToString());
    }

    [Fact]
    public void Build_MainTemplate_TargetsSubscriptionScope()
    {
        var schema = (string?)CompiledTemplate.Root["$schema"];

        Assert.Contains("subscriptionDeploymentTemplate", schema, StringComparison.Ordinal);
        Assert.Single(CompiledTemplate.OfType("Microsoft.Resources/resourceGroups"));
    }
}
