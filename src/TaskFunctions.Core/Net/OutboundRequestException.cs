namespace TaskFunctions.Core.Net;

/// <summary>A refused or failed server-side fetch; the message is safe to return to API callers.</summary>
/// <remarks>Messages never name resolved or redirected-to addresses, so a caller cannot map internal networks.</remarks>
public sealed class OutboundRequestException : Exception
{
    public OutboundRequestException(string reason, OutboundFailure kind)
        : base(reason)
    {
        Kind = kind;
    }

    /// <summary>The failure category, for mapping to API errors and metrics.</summary>
    public OutboundFailure Kind { get; }
}
