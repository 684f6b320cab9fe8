namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>
/// The mask source cannot separate the person in this image (an opaque photo has no alpha cut-out): the workflow then
/// asks the background-removal provider for one. <see cref="Exception.Message"/> is safe to show to API callers.
/// </summary>
public sealed class PersonMaskUnavailableException : Exception
{
    public PersonMaskUnavailableException(string reason)
        : base(reason)
    {
    }

    public PersonMaskUnavailableException(string reason, Exception inner)
        : base(reason, inner)
    {
    }

    public PersonMaskUnavailableException()
        : base("the person cannot be separated from the background")
    {
    }
}
