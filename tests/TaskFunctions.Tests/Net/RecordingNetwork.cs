using System.Net;
using System.Net.Sockets;

namespace TaskFunctions.Tests.Net;

/// <summary>Fake name resolution and connect for <see cref="Core.Net.SafeHttpFetcher"/>: records every call and never opens a socket.</summary>
internal sealed class RecordingNetwork
{
    private readonly Func<string, IPAddress[]> _answers;
    private readonly List<string> _resolved = [];
    private readonly List<(IPAddress[] Addresses, int Port)> _connects = [];

    public RecordingNetwork(Func<string, IPAddress[]> answers)
    {
        _answers = answers;
    }

    public IReadOnlyList<string> Resolved => _resolved;

    public IReadOnlyList<(IPAddress[] Addresses, int Port)> Connects => _connects;

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        lock (_resolved)
        {
            _resolved.Add(host);
        }

        return Task.FromResult(_answers(host));
    }

    public ValueTask<Stream> ConnectAsync(IPAddress[] addresses, int port, CancellationToken ct)
    {
        lock (_connects)
        {
            _connects.Add((addresses, port));
        }

        // Stands in for an unreachable host; nothing is dialled.
        throw new SocketException((int)SocketError.ConnectionRefused);
    }
}
