namespace TaskFunctions.Core.Images;

/// <summary>An input image was refused; <see cref="Exception.Message"/> is safe to show to API callers.</summary>
public sealed class InvalidImageException : Exception
{
    private const string ReferencePrefix = "reference image: ";

    public InvalidImageException(string reason)
        : base(reason)
    {
        Reason = reason;
    }

    public InvalidImageException(string reason, Exception inner)
        : base(reason, inner)
    {
        Reason = reason;
    }

    public InvalidImageException()
        : this("invalid image")
    {
    }

    private InvalidImageException(ImageInputRole role, string reason, Exception inner)
        : base(role == ImageInputRole.Reference ? ReferencePrefix + reason : reason, inner)
    {
        Role = role;
        Reason = reason;
    }

    /// <summary>Which image was refused; callers that name fields branch on this, never on the message.</summary>
    public ImageInputRole Role { get; }

    /// <summary>Why, without the image's name (<see cref="Exception.Message"/> prefixes "reference image: " for a reference).</summary>
    public string Reason { get; }

    /// <summary>The same refusal, now known to be about the operation's reference image.</summary>
    public static InvalidImageException ForReference(InvalidImageException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new InvalidImageException(ImageInputRole.Reference, refusal.Reason, refusal);
    }
}
