namespace TaskFunctions.Core.Net;

/// <summary>A local path was refused because it is invalid or leaves the configured root; the message is safe for API callers.</summary>
public sealed class LocalPathException : Exception
{
    public LocalPathException(string reason)
        : base(reason)
    {
    }
}
