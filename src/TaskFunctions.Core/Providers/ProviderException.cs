namespace TaskFunctions.Core.Providers;

/// <summary>Thrown by provider clients with an already classified <see cref="ProviderFailure"/>.</summary>
public sealed class ProviderException : Exception
{
    public ProviderException(ProviderFailure failure)
        : base(failure?.Message)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Failure = failure;
    }

    public ProviderException(ProviderFailure failure, Exception inner)
        : base(failure?.Message, inner)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Failure = failure;
    }

    public ProviderFailure Failure { get; }
}
