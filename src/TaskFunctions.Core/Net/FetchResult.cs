namespace TaskFunctions.Core.Net;

/// <summary>The body, media type and final URL (after redirects) of a successful fetch.</summary>
public sealed record FetchResult(byte[] Content, string? ContentType, Uri FinalUrl);
