using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace TaskFunctions.Core.Auth;

/// <summary>Outcome of authenticating a request: the caller, or a 401/403 with a client-safe message.</summary>
public sealed class AuthResult
{
    private AuthResult(CallerIdentity? identity, int statusCode, string? detail, string? wwwAuthenticate)
    {
        Identity = identity;
        StatusCode = statusCode;
        Detail = detail;
        WwwAuthenticate = wwwAuthenticate;
    }

    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(Detail))]
    public bool Succeeded => Identity is not null;

    public CallerIdentity? Identity { get; }

    /// <summary>200 on success, otherwise 401 or 403.</summary>
    public int StatusCode { get; }

    /// <summary>Message for the <c>{"detail": ...}</c> body; never contains token or key material.</summary>
    public string? Detail { get; }

    /// <summary>Value of the <c>WWW-Authenticate</c> response header for a 401; null otherwise.</summary>
    public string? WwwAuthenticate { get; }

    public static AuthResult Success(CallerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new AuthResult(identity, 200, null, null);
    }

    /// <summary>A 401. With <paramref name="tokenError"/> the header carries RFC 6750 <c>error="invalid_token"</c> and the description; without it, a bare <c>Bearer</c> challenge.</summary>
    public static AuthResult Unauthorized(string detail, bool tokenError = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(detail);
        string header = tokenError
            ? $"Bearer error=\"invalid_token\", error_description=\"{SanitizeQuoted(detail)}\""
            : "Bearer";
        return new AuthResult(null, 401, detail, header);
    }

    /// <summary>A 403: the token is valid but does not entitle the caller.</summary>
    public static AuthResult Forbidden(string detail)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(detail);
        return new AuthResult(null, 403, detail, null);
    }

    // RFC 6750 limits error_description to printable ASCII without '"' and '\'.
    private static string SanitizeQuoted(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            builder.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : ' ');
        }

        return builder.ToString();
    }
}
