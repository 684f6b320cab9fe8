namespace TaskFunctions.Tests.Infra;

/// <summary>What one bicep CLI invocation returned: exit code and both output streams.</summary>
public sealed record BicepRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything printed, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
