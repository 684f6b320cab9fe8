namespace TaskFunctions.Core.Net;

/// <summary>What a server answered to a guarded POST: any status (redirects are not followed), its Retry-After as a wait, and the start of the body.</summary>
/// <param name="StatusCode">The HTTP status, 3xx included.</param>
/// <param name="RetryAfter">The wait the response's <c>retry-after-ms</c> / <c>Retry-After</c> ask for, read by <see cref="RetryAfterHeader"/> (non-negative, at most a day); null when absent or unparsable.</param>
/// <param name="Body">At most <see cref="SafeHttpFetcher.MaxPostResponseBytes"/> bytes of the response body, decoded as UTF-8.</param>
public sealed record OutboundResponse(int StatusCode, TimeSpan? RetryAfter, string Body);
