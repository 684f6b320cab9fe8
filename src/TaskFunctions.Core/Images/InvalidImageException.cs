namespace TaskFunctions.Core.Images;

/// <summary>An input image was refused; <see cref="Exception.Message"/> is safe to show to API callers.</summary>
public sealed class InvalidImageException : Exception
{
    public InvalidImageException(string reason)
        : base(reason)
    {
    }

    public InvalidImageException(string reason, Exception inner)
        : base(reason, inner)
    {
    }

    public InvalidImageException()
        : base("invalid image")
    {
    }
}
