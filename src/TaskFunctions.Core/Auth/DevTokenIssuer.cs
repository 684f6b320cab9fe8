using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TaskFunctions.Core.Auth;

/// <summary>Mints HS256 tokens with the configured dev signing key, for the self-host's <c>token</c> command and for tests.</summary>
public static class DevTokenIssuer
{
    /// <summary>Returns a compact JWT for <paramref name="subject"/> valid from <paramref name="now"/> (default: current time) for <paramref name="lifetime"/>.</summary>
    /// <exception cref="InvalidOperationException">The options have no <see cref="AuthOptions.SigningKey"/>.</exception>
    public static string Mint(
        AuthOptions options,
        string subject,
        string? tenant,
        IEnumerable<string> roles,
        TimeSpan lifetime,
        DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException("Auth:SigningKey is not set; dev tokens can only be minted in signing key mode.");
        }

        DateTime issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = subject,
        };
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            claims[options.TenantClaim] = tenant;
        }

        string[] roleList = [.. roles.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal)];
        if (roleList.Length > 0)
        {
            claims[options.RolesClaim] = roleList;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = claims,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey)),
                SecurityAlgorithms.HmacSha256),
        };

        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
