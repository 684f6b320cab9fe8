using System.ComponentModel.DataAnnotations;
using System.Text;

namespace TaskFunctions.Core.Auth;

/// <summary>JWT bearer settings (section <c>Auth</c>): issuer, audience and either an HS256 dev key or an OpenID Connect authority.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string SectionName = "Auth";

    /// <summary>Smallest accepted HS256 key; shorter secrets are brute-forceable.</summary>
    public const int MinimumSigningKeyBytes = 32;

    private static readonly string[] SymmetricAlgorithms = ["HS256", "HS384", "HS512"];
    private static readonly string[] AsymmetricAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>Expected <c>iss</c> of every token.</summary>
    [Required]
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Expected <c>aud</c> of every token.</summary>
    [Required]
    public string Audience { get; set; } = string.Empty;

    /// <summary>HS256 shared secret for local development (UTF-8, at least 32 bytes). Exclusive with <see cref="Authority"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect authority whose discovery document supplies the signing keys. Exclusive with <see cref="SigningKey"/>.</summary>
    public Uri? Authority { get; set; }

    /// <summary>Accepted <c>alg</c> values; empty means the default for the key mode (see <see cref="GetAllowedAlgorithms"/>).</summary>
    /// <remarks>Empty by default because the configuration binder appends to, rather than replaces, a pre-filled list.</remarks>
    public List<string> AllowedAlgorithms { get; set; } = [];

    /// <summary>Claim carrying the caller's tenant.</summary>
    [Required]
    public string TenantClaim { get; set; } = "tenant_id";

    /// <summary>Role that may cross tenants.</summary>
    [Required]
    public string AdminRole { get; set; } = "tasks.admin";

    /// <summary>Claim carrying the caller's roles (JSON array or a single string).</summary>
    [Required]
    public string RolesClaim { get; set; } = "roles";

    /// <summary>Tolerance for clock drift when checking <c>exp</c> and <c>nbf</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Refuse to fetch discovery documents and JWKS over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Largest accepted token; bigger ones are refused before any parsing.</summary>
    [Range(1024, 256 * 1024)]
    public int MaxTokenBytes { get; set; } = 16 * 1024;

    /// <summary>The configured algorithms, or the mode's default: HS256 with a signing key, RS256/ES256 with an authority.</summary>
    public IReadOnlyList<string> GetAllowedAlgorithms()
    {
        if (AllowedAlgorithms.Count > 0)
        {
            return AllowedAlgorithms;
        }

        return Authority is null ? ["HS256"] : ["RS256", "ES256"];
    }

    /// <summary>The OpenID Connect discovery document address of <see cref="Authority"/>, or null in signing key mode.</summary>
    public Uri? GetMetadataAddress() =>
        Authority is null ? null : new Uri(Authority.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        bool hasKey = !string.IsNullOrEmpty(SigningKey);
        bool hasAuthority = Authority is not null;

        if (hasKey == hasAuthority)
        {
            yield return new ValidationResult(
                "Set exactly one of Auth:SigningKey (HS256, local development) or Auth:Authority (OpenID Connect).",
                [nameof(SigningKey), nameof(Authority)]);
            yield break;
        }

        if (hasKey && Encoding.UTF8.GetByteCount(SigningKey!) < MinimumSigningKeyBytes)
        {
            yield return new ValidationResult(
                $"Auth:SigningKey must be at least {MinimumSigningKeyBytes} bytes (UTF-8).",
                [nameof(SigningKey)]);
        }

        if (hasAuthority)
        {
            if (!Authority!.IsAbsoluteUri || (Authority.Scheme != Uri.UriSchemeHttps && Authority.Scheme != Uri.UriSchemeHttp))
            {
                yield return new ValidationResult("Auth:Authority must be an absolute http(s) URL.", [nameof(Authority)]);
            }
            else if (RequireHttpsMetadata && Authority.Scheme != Uri.UriSchemeHttps)
            {
                yield return new ValidationResult(
                    "Auth:Authority must use https unless Auth:RequireHttpsMetadata is false.",
                    [nameof(Authority)]);
            }
        }

        // A key mode only makes sense with its own algorithm family; mixing them invites algorithm-confusion attacks.
        string[] family = hasKey ? SymmetricAlgorithms : AsymmetricAlgorithms;
        foreach (string algorithm in AllowedAlgorithms)
        {
            if (!family.Contains(algorithm, StringComparer.Ordinal))
            {
                yield return new ValidationResult(
                    $"Auth:AllowedAlgorithms contains '{algorithm}', which is not usable with {(hasKey ? "Auth:SigningKey" : "Auth:Authority")}; allowed: {string.Join(", ", family)}.",
                    [nameof(AllowedAlgorithms)]);
            }
        }
    }
}
