using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TaskFunctions.Core.Auth;

namespace TaskFunctions.Tests.Auth;

/// <summary>Options, authenticators and hand-built tokens shared by the auth tests.</summary>
internal static class AuthTestData
{
    public const string Issuer = "https://issuer.test/";
    public const string Audience = "api://tasks-test";

    /// <summary>Signing key mode options with a fresh random key per call.</summary>
    public static AuthOptions KeyOptions() => new()
    {
        Issuer = Issuer,
        Audience = Audience,
        SigningKey = NewKey(),
    };

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public static JwtAuthenticator CreateAuthenticator(AuthOptions options) =>
        new(Options.Create(options), new TestHttpClientFactory(), NullLogger<JwtAuthenticator>.Instance);

    public static SigningCredentials Hmac(string key, string algorithm = SecurityAlgorithms.HmacSha256) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm);

    /// <summary>Signs <paramref name="claims"/> as given; lifetime defaults to a token valid now for an hour.</summary>
    public static string CreateToken(
        IDictionary<string, object> claims,
        SigningCredentials credentials,
        string? issuer = Issuer,
        string? audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        bool withLifetime = true)
    {
        DateTime now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            SigningCredentials = credentials,
        };
        if (withLifetime)
        {
            descriptor.IssuedAt = notBefore ?? now;
            descriptor.NotBefore = notBefore ?? now.AddMinutes(-1);
            descriptor.Expires = expires ?? now.AddHours(1);
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = withLifetime }.CreateToken(descriptor);
    }

    public static Dictionary<string, object> Claims(string subject = "user-1", string? tenant = "tenant-a", object? roles = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (tenant is not null)
        {
            claims["tenant_id"] = tenant;
        }

        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        return claims;
    }

    /// <summary>Builds a compact JWS from raw JSON parts, for tokens no library would produce (alg none).</summary>
    public static string RawToken(object header, object payload, string signature = "") =>
        Base64UrlEncoder.Encode(JsonSerializer.Serialize(header))
        + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))
        + "." + signature;

    public static long UnixTime(DateTimeOffset time) => time.ToUnixTimeSeconds();
}
