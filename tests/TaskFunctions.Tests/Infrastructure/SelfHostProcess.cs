using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>
/// The real self-host as a child process (same binary `scripts/run` starts) on a free port, against Azurite,
/// so tests exercise HTTP, the Durable Azure Storage backend and process death exactly as users would.
/// </summary>
public sealed class SelfHostProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> environment;
    private readonly StringBuilder output = new();
    private Process? process;

    public SelfHostProcess(string storageConnectionString, IReadOnlyDictionary<string, string>? extra = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["Storage__ConnectionString"] = storageConnectionString,
            ["Storage__TasksTable"] = "tasks" + suffix,
            ["Storage__TaskIndexTable"] = "taskindex" + suffix,
            ["Storage__IdempotencyTable"] = "idempotency" + suffix,
            ["TASKHUB_NAME"] = "hub" + suffix,
            ["SelfHost__Port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__TaskFunctions"] = "Information",
            ["Api__MaxBodyBytes"] = "4194304",
            ["Telemetry__Console"] = "false",
        };
        foreach (var (key, value) in TestAuth.Environment)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        Port = int.Parse(environment["SelfHost__Port"], System.Globalization.CultureInfo.InvariantCulture);
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public IReadOnlyDictionary<string, string> Environment => environment;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var directory = RepositoryPaths.ProjectOutput("TaskFunctions.SelfHost");
        var start = new ProcessStartInfo("dotnet", "TaskFunctions.SelfHost.dll")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the self-host.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The self-host exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("api/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The self-host did not become healthy:\n{Output}");
    }

    /// <summary>Like kill -9: no graceful shutdown, leases and in-flight work left behind.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM (as Ctrl-C in scripts/run), then the exit code if the process ends by itself in time; null if it had to be killed.</summary>
    public async Task<int?> StopGracefullyAsync(TimeSpan timeout)
    {
        if (process is not { HasExited: false })
        {
            return process?.ExitCode;
        }

        using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopGracefullyAsync(TimeSpan.FromSeconds(15));
        process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
