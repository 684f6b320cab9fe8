using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>
/// Real Azurite for a test collection: the one named by <c>TASKFUNCTIONS_TEST_STORAGE</c>, or a private
/// in-memory instance on free loopback ports.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Connection string of an already running storage emulator (set by scripts/test).</summary>
    public const string ConnectionStringVariable = "TASKFUNCTIONS_TEST_STORAGE";

    /// <summary>Path of the azurite executable, overriding <c>node_modules/.bin/azurite</c> under the repository root.</summary>
    public const string BinaryVariable = "AZURITE_BIN";

    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>Explicit-endpoint connection string for the Blob, Queue and Table services.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
            return;
        }

        var ports = FreePorts(3);
        _process = Start(FindBinary(), ports);
        ConnectionString =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";
        await WaitForPortsAsync(_process, ports);
    }

    public async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    private static string FindBinary()
    {
        var configured = Environment.GetEnvironmentVariable(BinaryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{BinaryVariable}={configured} does not exist.");
        }

        var root = FindRepositoryRoot();
        var name = OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite";
        var path = Path.Combine(root, "node_modules", ".bin", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException(
                $"Azurite not found at {path}: run 'npm ci' in {root}, set {BinaryVariable}, or set {ConnectionStringVariable}.");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TaskFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No TaskFunctions.sln above {AppContext.BaseDirectory}.");
    }

    private Process Start(string binary, int[] ports)
    {
        var startInfo = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(),
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        // Drained so a chatty emulator never blocks on a full pipe; kept for the failure message.
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitForPortsAsync(Process process, int[] ports)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var pending = new List<int>(ports);
        while (pending.Count > 0)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                string output;
                lock (_output)
                {
                    output = _output.ToString();
                }

                throw new InvalidOperationException(
                    $"Azurite did not open ports {string.Join(", ", pending)} (exited: {process.HasExited}). Output:\n{output}");
            }

            foreach (var port in pending.ToArray())
            {
                if (await AcceptsAsync(port))
                {
                    pending.Remove(port);
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // The listeners stay open until all ports are picked, so the three are distinct.
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

/// <summary>Tests in the "Azurite" collection share one <see cref="AzuriteFixture"/>.</summary>
// Kept beside the fixture it declares (this slice owns only this file in Infrastructure/).
[CollectionDefinition("Azurite")]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
}
