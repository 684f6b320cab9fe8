using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TaskFunctions.Core.Net;

/// <summary>SSRF-guarded HTTP GET for user-supplied URLs and provider result files, and POST for webhook targets.</summary>
/// <remarks>
/// The address check happens in the connect callback, on the addresses the connection then uses, so a DNS answer that
/// changes between check and connect (rebinding) cannot reach a forbidden address. IP literals are also checked before
/// any request is built. GET follows redirects by hand so every hop gets the same scheme and address checks; POST never
/// follows them.
/// </remarks>
public sealed class SafeHttpFetcher : IDisposable
{
    /// <summary>How much of a POST response body is kept: enough for an error message, never a download.</summary>
    public const int MaxPostResponseBytes = 4096;

    private const int CopyBufferBytes = 81920;
    private const string FetchFailure = "The URL could not be fetched";
    private const string PostFailure = "The URL could not be reached";

    private readonly OutboundOptions _options;
    private readonly ILogger _logger;
    private readonly HashSet<string> _allowedHosts;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly Func<IPAddress[], int, CancellationToken, ValueTask<Stream>> _connect;
    private readonly TimeProvider _time;
    private readonly HttpMessageInvoker _invoker;

    public SafeHttpFetcher(IOptions<OutboundOptions> options, ILogger<SafeHttpFetcher> logger)
        : this(options, logger, Dns.GetHostAddressesAsync, ConnectSocketAsync)
    {
    }

    /// <summary>Test seam: replaces name resolution and the socket connect, so tests can prove nothing is dialled.</summary>
    internal SafeHttpFetcher(
        IOptions<OutboundOptions> options,
        ILogger logger,
        Func<string, CancellationToken, Task<IPAddress[]>> resolve,
        Func<IPAddress[], int, CancellationToken, ValueTask<Stream>> connect,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;
        _resolve = resolve;
        _connect = connect;
        _time = time ?? TimeProvider.System;

        _allowedHosts = new HashSet<string>(StringComparer.Ordinal);
        foreach (string entry in _options.AllowedHosts)
        {
            if (HostPort.TryParseEntry(entry, out string key))
            {
                _allowedHosts.Add(key);
            }
        }

#pragma warning disable CA2000 // owned by _invoker (disposeHandler: true)
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PreAuthenticate = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Pooled connections keep the address checked at connect time; recycle them so DNS changes are picked up
            // (the fetcher is a singleton: this handler lives as long as the process).
            PooledConnectionLifetime = PooledConnections.Lifetime,
            PooledConnectionIdleTimeout = PooledConnections.IdleTimeout,
            ConnectTimeout = _options.Timeout,
            MaxResponseHeadersLength = 64,
            ConnectCallback = ConnectAsync,
        };
        PooledConnectionLifetime = handler.PooledConnectionLifetime;
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
#pragma warning restore CA2000
    }

    /// <summary>How long a pooled connection is reused before the name is resolved and checked again.</summary>
    internal TimeSpan PooledConnectionLifetime { get; }

    /// <summary>GETs <paramref name="url"/> within the configured limits; throws <see cref="OutboundRequestException"/> on any refusal or failure.</summary>
    public Task<FetchResult> FetchAsync(Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        return GuardAsync("GET", url, _options.Timeout, FetchFailure, token => FetchCoreAsync(url, token), ct);
    }

    /// <summary>
    /// POSTs <paramref name="body"/> to <paramref name="url"/> once, without following redirects, and returns whatever status
    /// the server answered (3xx included); throws <see cref="OutboundRequestException"/> when the target is refused
    /// (<see cref="OutboundFailure.Forbidden"/>, <see cref="OutboundFailure.BadScheme"/>: nothing is sent), on
    /// <see cref="OutboundFailure.Timeout"/> and on <see cref="OutboundFailure.Network"/> failures.
    /// </summary>
    /// <param name="headers">Request or content headers to add; a <c>User-Agent</c> here replaces the default one.</param>
    /// <param name="timeout">Budget of the whole exchange: resolution, connect, upload, status and the kept part of the body.</param>
    public Task<OutboundResponse> PostAsync(
        Uri url,
        byte[] body,
        string contentType,
        IReadOnlyDictionary<string, string> headers,
        TimeSpan timeout,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return GuardAsync("POST", url, timeout, PostFailure, token => PostCoreAsync(url, body, contentType, headers, token), ct);
    }

    public void Dispose() => _invoker.Dispose();

    /// <summary>Runs one guarded exchange under a time budget and turns every failure into a caller-safe <see cref="OutboundRequestException"/>.</summary>
    private async Task<T> GuardAsync<T>(
        string method, Uri url, TimeSpan budget, string failure, Func<CancellationToken, Task<T>> exchange, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(budget);
        string host = url.IsAbsoluteUri ? url.Host : string.Empty;

        try
        {
            return await exchange(timeout.Token);
        }
        catch (OutboundRequestException ex)
        {
            Log.RequestFailed(_logger, method, host, ex.Kind, ex.Message);
            throw;
        }
        catch (Exception) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var timedOut = new OutboundRequestException(
                $"{failure} within {budget.TotalSeconds:0.###} seconds.", OutboundFailure.Timeout);
            Log.RequestFailed(_logger, method, host, timedOut.Kind, timedOut.Message);
            throw timedOut;
        }
        catch (HttpRequestException ex) when (FindOutboundException(ex) is { } refusal)
        {
            Log.RequestFailed(_logger, method, host, refusal.Kind, refusal.Message);
            ExceptionDispatchInfo.Throw(refusal);
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException)
        {
            // The inner message can name the resolved address; keep it in the log only.
            Log.NetworkFailure(_logger, method, host, ex);
            throw new OutboundRequestException($"{failure}: the connection failed.", OutboundFailure.Network);
        }
    }

    private async Task<FetchResult> FetchCoreAsync(Uri url, CancellationToken ct)
    {
        Uri current = url;
        for (int redirects = 0; ; redirects++)
        {
            CheckTarget(current);

            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TaskFunctions", "1.0"));

            using HttpResponseMessage response = await _invoker.SendAsync(request, ct);
            int status = (int)response.StatusCode;

            if (IsRedirect(response.StatusCode))
            {
                if (redirects >= _options.MaxRedirects)
                {
                    throw new OutboundRequestException(
                        $"The URL redirected more than {_options.MaxRedirects} times.", OutboundFailure.TooManyRedirects);
                }

                Uri? location = response.Headers.Location;
                if (location is null)
                {
                    throw new OutboundRequestException(
                        $"The server answered redirect {status} without a Location header.", OutboundFailure.HttpStatus);
                }

                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }

            if (status is < 200 or > 299)
            {
                throw new OutboundRequestException($"The server answered HTTP {status}.", OutboundFailure.HttpStatus);
            }

            byte[] content = await ReadCappedAsync(response.Content, ct);
            Log.Fetched(_logger, current.Host, content.LongLength, redirects);
            return new FetchResult(content, response.Content.Headers.ContentType?.MediaType, current);
        }
    }

    private async Task<OutboundResponse> PostCoreAsync(
        Uri url, byte[] body, string contentType, IReadOnlyDictionary<string, string> headers, CancellationToken ct)
    {
        CheckTarget(url);

        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach ((string name, string value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, value) && !request.Content.Headers.TryAddWithoutValidation(name, value))
            {
                throw new ArgumentException($"Header '{name}' cannot be set on a request.", nameof(headers));
            }
        }

        if (!request.Headers.NonValidated.Contains("User-Agent"))
        {
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("TaskFunctions", "1.0"));
        }

        long started = _time.GetTimestamp();
        using HttpResponseMessage response = await _invoker.SendAsync(request, ct);
        int status = (int)response.StatusCode;
        TimeSpan? retryAfter = RetryAfterHeader.Parse(response.Headers, _time.GetUtcNow());
        string text = await ReadPrefixAsync(response.Content, ct);
        double elapsedMs = _time.GetElapsedTime(started).TotalMilliseconds;
        Log.Posted(_logger, url.Host, status, elapsedMs);
        return new OutboundResponse(status, retryAfter, text);
    }

    private static async Task<string> ReadPrefixAsync(HttpContent content, CancellationToken ct)
    {
        await using Stream stream = await content.ReadAsStreamAsync(ct);
        byte[] buffer = new byte[MaxPostResponseBytes];
        int total = 0;
        int read;
        // Stop at the cap instead of failing: the prefix only feeds error messages, and the rest is never downloaded.
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        long max = _options.MaxResponseBytes;
        long? declared = content.Headers.ContentLength;
        if (declared > max)
        {
            throw TooLarge();
        }

        await using Stream body = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream(declared is long length ? (int)length : 0);
        byte[] chunk = new byte[CopyBufferBytes];
        long total = 0;
        int read;
        // Content-Length can lie or be absent (chunked); count what actually arrives.
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            total += read;
            if (total > max)
            {
                throw TooLarge();
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), ct);
        }

        return buffer.ToArray();
    }

    private OutboundRequestException TooLarge() =>
        new($"The response is larger than the limit of {_options.MaxResponseBytes} bytes.", OutboundFailure.TooLarge);

    private void CheckTarget(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new OutboundRequestException("Only absolute http and https URLs can be fetched.", OutboundFailure.BadScheme);
        }

        // IP literals are judged before a request exists; host names are judged in ConnectAsync on what they resolve to.
        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(HostPort.NormalizeHost(url.Host), out IPAddress? literal)
            && AddressPolicy.IsForbidden(literal)
            && !_allowedHosts.Contains(HostPort.Key(url.Host, url.Port)))
        {
            Log.ForbiddenAddress(_logger, url.Host, url.Port, literal);
            throw Forbidden();
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        string host = HostPort.NormalizeHost(context.DnsEndPoint.Host);
        int port = context.DnsEndPoint.Port;

        IPAddress[] addresses = IPAddress.TryParse(host, out IPAddress? literal)
            ? [literal]
            : await _resolve(host, ct);
        if (addresses.Length == 0)
        {
            throw new OutboundRequestException("The host name could not be resolved.", OutboundFailure.Network);
        }

        if (!_allowedHosts.Contains(HostPort.Key(host, port)))
        {
            // Refuse the host if any answer is forbidden: mixed answers are a rebinding or split-horizon smell.
            foreach (IPAddress address in addresses)
            {
                if (AddressPolicy.IsForbidden(address))
                {
                    Log.ForbiddenAddress(_logger, host, port, address);
                    throw Forbidden();
                }
            }
        }

        // Connect to exactly the addresses just checked; never hand the name back to the OS.
        return await _connect(addresses, port, ct);
    }

    private static OutboundRequestException Forbidden() =>
        new("The URL points to an address that server-side fetches may not reach.", OutboundFailure.Forbidden);

    private static async ValueTask<Stream> ConnectSocketAsync(IPAddress[] addresses, int port, CancellationToken ct)
    {
#pragma warning disable CA2000 // disposed on failure below, else owned by the NetworkStream (ownsSocket: true)
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
#pragma warning restore CA2000
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(addresses, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is
        HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
        or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static OutboundRequestException? FindOutboundException(Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is OutboundRequestException refusal)
            {
                return refusal;
            }
        }

        return null;
    }
}
