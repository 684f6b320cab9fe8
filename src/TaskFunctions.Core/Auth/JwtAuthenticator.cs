using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace TaskFunctions.Core.Auth;

/// <summary>Validates <c>Authorization: Bearer</c> JWTs and resolves the caller's tenant and admin status; called explicitly by the request pipeline of both hosts.</summary>
public sealed class JwtAuthenticator
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client used to fetch discovery documents and JWKS.</summary>
    public const string HttpClientName = "TaskFunctions.Auth.Jwks";

    internal const string NotAuthenticated = "Not authenticated";
    internal const string NoTenant = "Token has no tenant claim";

    // Tenants end up in storage keys; Azure Tables forbids these characters in PartitionKey/RowKey.
    private const int MaxTenantLength = 128;
    private static readonly char[] ForbiddenTenantChars = ['/', '\\', '#', '?'];

    private readonly AuthOptions _options;
    private readonly ILogger<JwtAuthenticator> _logger;
    private readonly JsonWebTokenHandler _handler;
    private readonly TokenValidationParameters _parameters;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _configurationManager;

    public JwtAuthenticator(IOptions<AuthOptions> options, IHttpClientFactory httpClientFactory, ILogger<JwtAuthenticator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(logger);

        _options = options.Value;
        _logger = logger;
        _handler = new JsonWebTokenHandler
        {
            MapInboundClaims = false,
            MaximumTokenSizeInBytes = _options.MaxTokenBytes,
        };
        _parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = _options.Issuer,
            ValidateAudience = true,
            ValidAudience = _options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = _options.ClockSkew,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = [.. _options.GetAllowedAlgorithms()],
            NameClaimType = JwtRegisteredClaimNames.Sub,
            RoleClaimType = _options.RolesClaim,
        };

        Uri? metadataAddress = _options.GetMetadataAddress();
        if (metadataAddress is null)
        {
            if (string.IsNullOrEmpty(_options.SigningKey))
            {
                throw new InvalidOperationException("Auth options need a SigningKey or an Authority.");
            }

            _parameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.SigningKey));
        }
        else
        {
            // The manager caches the discovery document and JWKS and refreshes them on its own schedule.
            _configurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                metadataAddress.AbsoluteUri,
                new OpenIdConnectConfigurationRetriever(),
                new HttpClientFactoryDocumentRetriever(httpClientFactory, HttpClientName, _options.RequireHttpsMetadata));
        }
    }

    /// <summary>Authenticates the raw <c>Authorization</c> header value; never throws for bad input, only for cancellation.</summary>
    public async Task<AuthResult> AuthenticateAsync(string? authorizationHeader, CancellationToken ct)
    {
        string? token = ExtractBearerToken(authorizationHeader);
        if (token is null)
        {
            return AuthResult.Unauthorized(NotAuthenticated);
        }

        if (token.Length > _options.MaxTokenBytes)
        {
            Log.TokenRejected(_logger, "too large");
            return AuthResult.Unauthorized("The token is too large", tokenError: true);
        }

        TokenValidationResult result;
        try
        {
            result = await ValidateAsync(token, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SigningKeysUnavailable(_logger, ex);
            return AuthResult.Unauthorized("The token could not be validated", tokenError: true);
        }

        if (!result.IsValid)
        {
            string description = Describe(result.Exception);
            Log.TokenRejected(_logger, description);
            return AuthResult.Unauthorized(description, tokenError: true);
        }

        return ResolveIdentity(result);
    }

    private async Task<TokenValidationResult> ValidateAsync(string token, CancellationToken ct)
    {
        if (_configurationManager is null)
        {
            return await _handler.ValidateTokenAsync(token, _parameters);
        }

        TokenValidationResult result = await ValidateWithAuthorityAsync(token, ct);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // An unknown kid usually means the authority rotated its keys since the last fetch.
            _configurationManager.RequestRefresh();
            result = await ValidateWithAuthorityAsync(token, ct);
        }

        return result;
    }

    private async Task<TokenValidationResult> ValidateWithAuthorityAsync(string token, CancellationToken ct)
    {
        OpenIdConnectConfiguration configuration = await _configurationManager!.GetConfigurationAsync(ct);
        TokenValidationParameters parameters = _parameters.Clone();
        parameters.IssuerSigningKeys = configuration.SigningKeys;
        return await _handler.ValidateTokenAsync(token, parameters);
    }

    private AuthResult ResolveIdentity(TokenValidationResult result)
    {
        IEnumerable<Claim> claims = result.SecurityToken is JsonWebToken jwt
            ? jwt.Claims
            : result.ClaimsIdentity?.Claims ?? [];

        string? subject = null;
        var tenants = new List<string>(1);
        bool isAdmin = false;
        foreach (Claim claim in claims)
        {
            if (claim.Type == JwtRegisteredClaimNames.Sub)
            {
                subject = claim.Value;
            }
            else if (claim.Type == _options.TenantClaim && !string.IsNullOrWhiteSpace(claim.Value))
            {
                tenants.Add(claim.Value);
            }
            else if (claim.Type == _options.RolesClaim && string.Equals(claim.Value, _options.AdminRole, StringComparison.Ordinal))
            {
                isAdmin = true;
            }
        }

        if (string.IsNullOrWhiteSpace(subject))
        {
            Log.TokenRejected(_logger, "no subject");
            return AuthResult.Unauthorized("The token has no subject", tokenError: true);
        }

        if (tenants.Count > 1)
        {
            return AuthResult.Forbidden("Token has more than one tenant claim");
        }

        string? tenant = tenants.Count == 1 ? tenants[0] : null;
        if (tenant is not null && !IsValidTenant(tenant))
        {
            return AuthResult.Forbidden("Token tenant claim is not a valid tenant id");
        }

        if (tenant is null && !isAdmin)
        {
            return AuthResult.Forbidden(NoTenant);
        }

        return AuthResult.Success(new CallerIdentity(subject, tenant, isAdmin));
    }

    internal static string? ExtractBearerToken(string? authorizationHeader)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return null;
        }

        ReadOnlySpan<char> value = authorizationHeader.AsSpan().Trim();
        const string scheme = "Bearer";
        if (value.Length <= scheme.Length
            || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            || value[scheme.Length] != ' ')
        {
            return null;
        }

        ReadOnlySpan<char> token = value[scheme.Length..].Trim();
        return token.IsEmpty ? null : token.ToString();
    }

    private static bool IsValidTenant(string tenant) =>
        tenant.Length <= MaxTenantLength
        && tenant.IndexOfAny(ForbiddenTenantChars) < 0
        && !tenant.Any(char.IsControl);

    // Fixed phrases only: exception messages can carry token fragments or key identifiers.
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "The token expired",
        SecurityTokenNotYetValidException => "The token is not yet valid",
        SecurityTokenNoExpirationException => "The token has no expiration",
        SecurityTokenInvalidLifetimeException => "The token lifetime is invalid",
        SecurityTokenInvalidAudienceException => "The token audience is invalid",
        SecurityTokenInvalidIssuerException => "The token issuer is invalid",
        SecurityTokenInvalidAlgorithmException => "The token signing algorithm is not allowed",
        SecurityTokenSignatureKeyNotFoundException => "The token signing key was not found",
        SecurityTokenInvalidSignatureException => "The token signature is invalid",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed",
        _ => "The token is invalid",
    };
}
