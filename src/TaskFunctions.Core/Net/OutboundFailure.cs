namespace TaskFunctions.Core.Net;

/// <summary>Why a server-side fetch was refused or failed.</summary>
public enum OutboundFailure
{
    /// <summary>The target resolves to an address the policy refuses (loopback, private, metadata, ...).</summary>
    Forbidden,

    /// <summary>The URL is not absolute http or https.</summary>
    BadScheme,

    /// <summary>More redirects than <see cref="OutboundOptions.MaxRedirects"/>.</summary>
    TooManyRedirects,

    /// <summary>The body is larger than <see cref="OutboundOptions.MaxResponseBytes"/>.</summary>
    TooLarge,

    /// <summary>The whole fetch took longer than <see cref="OutboundOptions.Timeout"/>.</summary>
    Timeout,

    /// <summary>The final response was not 2xx.</summary>
    HttpStatus,

    /// <summary>Name resolution, connection, TLS or transfer failed.</summary>
    Network,
}
