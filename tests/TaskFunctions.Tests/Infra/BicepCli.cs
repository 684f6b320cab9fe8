using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Infra;

/// <summary>Runs the bicep CLI restored from the Azure.Bicep.CommandLine.linux-x64 NuGet package (path baked in at build time).</summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<string> Executable = new(FindExecutable);

    /// <summary>Runs bicep with <paramref name="arguments"/> from the repository root and waits for it to exit.</summary>
    public static BicepRun Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start: " + start.FileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

#pragma warning disable VSTHRD002 // sync helper (run from a Lazy); the process has exited, so the reads are at their end
        return new BicepRun(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
#pragma warning restore VSTHRD002
    }

    private static string FindExecutable()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("The infra tests use the linux-x64 bicep CLI package.");
        }

        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPath")?.Value
            ?? throw new InvalidOperationException("AssemblyMetadata BicepPath is missing; see TaskFunctions.Tests.csproj.");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The bicep CLI is not where the restored package should put it; run dotnet restore.", path);
        }

        // NuGet extraction does not always keep the executable bit.
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | execute);
        }

        return path;
    }
}
