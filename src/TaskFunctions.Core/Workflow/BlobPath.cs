namespace TaskFunctions.Core.Workflow;

/// <summary>A blob addressed as <c>{container}/{name}</c>, the form task records expose.</summary>
public readonly record struct BlobPath(string Container, string Name)
{
    public override string ToString() => $"{Container}/{Name}";

    /// <summary>Splits <c>{container}/{name}</c>; false for URLs and anything without both parts.</summary>
    public static bool TryParse(string? value, out BlobPath path)
    {
        path = default;
        if (string.IsNullOrEmpty(value) || value.Contains("://", StringComparison.Ordinal))
        {
            return false;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            return false;
        }

        path = new BlobPath(value[..slash], value[(slash + 1)..]);
        return true;
    }
}
