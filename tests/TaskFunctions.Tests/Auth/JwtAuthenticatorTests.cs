using Microsoft.IdentityModel.Tokens;
using TaskFunctions.Core.Auth;
using static TaskFunctions.Tests.Auth.AuthTestData;

namespace TaskFunctions.Tests.Auth;

public sealed class JwtAuthenticatorTests
{
    private static async Task<AuthResult> AuthenticateAsync(AuthOptions options, string? header) =>
        await CreateAuthenticator(options).AuthenticateAsync(header, CancellationToken.None);

    private static void AssertInvalidToken(AuthResult result, string expectedDetail)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.StatusCode);
        Assert.Equal(expectedDetail, result.Detail);
        Assert.Equal($"Bearer error=\"invalid_token\", error_description=\"{expectedDetail}\"", result.WwwAuthenticate);
    }

    [Fact]
    public async Task AuthenticateAsync_ValidToken_ReturnsIdentityWithTenant()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.FromMinutes(5));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.True(result.Succeeded);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(new CallerIdentity("user-1", "tenant-a", false), result.Identity);
        Assert.Null(result.WwwAuthenticate);
    }

    [Fact]
    public async Task AuthenticateAsync_LowercaseSchemeAndExtraSpaces_Succeeds()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.FromMinutes(5));

        // Act
        AuthResult result = await AuthenticateAsync(options, "bearer   " + token + " ");

        // Assert
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_AdminRoleAsArray_IsAdmin()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(tenant: "tenant-a", roles: new[] { "reader", "tasks.admin" }), Hmac(options.SigningKey!));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.True(result.Succeeded);
        Assert.True(result.Identity.IsAdmin);
        Assert.Equal("tenant-a", result.Identity.Tenant);
    }

    [Fact]
    public async Task AuthenticateAsync_AdminRoleAsSingleString_IsAdmin()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(tenant: null, roles: "tasks.admin"), Hmac(options.SigningKey!));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.True(result.Succeeded);
        Assert.True(result.Identity.IsAdmin);
        Assert.Null(result.Identity.Tenant);
    }

    [Fact]
    public async Task AuthenticateAsync_OtherRolesOnly_IsNotAdmin()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(tenant: "tenant-a", roles: new[] { "reader", "tasks.administrator" }), Hmac(options.SigningKey!));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.True(result.Succeeded);
        Assert.False(result.Identity.IsAdmin);
    }

    [Fact]
    public async Task AuthenticateAsync_CustomTenantAndRoleClaims_AreUsed()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        options.TenantClaim = "tid";
        options.RolesClaim = "app_roles";
        options.AdminRole = "Tasks.Operator";
        var claims = new Dictionary<string, object> { ["sub"] = "svc", ["tid"] = "t-9", ["app_roles"] = new[] { "Tasks.Operator" } };
        string token = CreateToken(claims, Hmac(options.SigningKey!));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.True(result.Succeeded);
        Assert.Equal(new CallerIdentity("svc", "t-9", true), result.Identity);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer    ")]
    [InlineData("Bearerabc.def.ghi")]
    public async Task AuthenticateAsync_MissingOrNonBearerHeader_Returns401NotAuthenticated(string? header)
    {
        // Arrange
        AuthOptions options = KeyOptions();

        // Act
        AuthResult result = await AuthenticateAsync(options, header);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.StatusCode);
        Assert.Equal("Not authenticated", result.Detail);
        Assert.Equal("Bearer", result.WwwAuthenticate);
    }

    [Fact]
    public async Task AuthenticateAsync_ExpiredToken_Returns401Expired()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-1));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        AssertInvalidToken(result, "The token expired");
    }

    [Fact]
    public async Task AuthenticateAsync_ExpiredWithinClockSkew_Succeeds()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddMinutes(-5).AddSeconds(-20));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_NotYetValidToken_Returns401NotYetValid()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddMinutes(10));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        AssertInvalidToken(result, "The token is not yet valid");
    }

    [Fact]
    public async Task AuthenticateAsync_TokenWithoutExpiry_Returns401()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(), Hmac(options.SigningKey!), withLifetime: false);

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        AssertInvalidToken(result, "The token has no expiration");
    }

    [Fact]
    public async Task AuthenticateAsync_WrongAudience_Returns401()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(), Hmac(options.SigningKey!), audience: "api://someone-else");

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        AssertInvalidToken(result, "The token audience is invalid");
    }

    [Fact]
    public async Task AuthenticateAsync_WrongIssuer_Returns401()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(), Hmac(options.SigningKey!), issuer: "https://evil.test/");

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        AssertInvalidToken(result, "The token issuer is invalid");
    }

    [Fact]
    public async Task AuthenticateAsync_SignedWithOtherKey_Returns401()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(), Hmac(NewKey()));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.Equal(401, result.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", result.WwwAuthenticate, StringComparison.Ordinal);
        Assert.DoesNotContain(options.SigningKey!, result.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_TamperedPayload_Returns401()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string[] parts = DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.FromMinutes(5)).Split('.');
        string forgedPayload = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("tenant-a", "tenant-b", StringComparison.Ordinal));
        string token = $"{parts[0]}.{forgedPayload}.{parts[2]}";

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_AlgNone_Returns401()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        long now = UnixTime(DateTimeOffset.UtcNow);
        string token = RawToken(
            new { alg = "none", typ = "JWT" },
            new { sub = "user-1", tenant_id = "tenant-a", roles = new[] { "tasks.admin" }, iss = Issuer, aud = Audience, nbf = now - 60, exp = now + 3600 });

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", result.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_Hs512WhenOnlyHs256Allowed_Returns401()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(), Hmac(options.SigningKey!, SecurityAlgorithms.HmacSha512));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_Hs512WhenAllowed_Succeeds()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        options.AllowedAlgorithms = ["HS256", "HS512"];
        string token = CreateToken(Claims(), Hmac(options.SigningKey!, SecurityAlgorithms.HmacSha512));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_NoTenantAndNotAdmin_Returns403()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = DevTokenIssuer.Mint(options, "user-1", null, ["reader"], TimeSpan.FromMinutes(5));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal(403, result.StatusCode);
        Assert.Equal("Token has no tenant claim", result.Detail);
        Assert.Null(result.WwwAuthenticate);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("tab\there")]
    public async Task AuthenticateAsync_TenantWithForbiddenCharacters_Returns403(string tenant)
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = DevTokenIssuer.Mint(options, "user-1", tenant, [], TimeSpan.FromMinutes(5));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.Equal(403, result.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_TenantAsArray_Returns403()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(Claims(tenant: null).Append(new("tenant_id", new[] { "tenant-a", "tenant-b" })).ToDictionary(), Hmac(options.SigningKey!));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.Equal(403, result.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_NoSubject_Returns401()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string token = CreateToken(new Dictionary<string, object> { ["tenant_id"] = "tenant-a" }, Hmac(options.SigningKey!));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        AssertInvalidToken(result, "The token has no subject");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0")]
    [InlineData("....")]
    public async Task AuthenticateAsync_GarbageToken_Returns401(string token)
    {
        // Arrange
        AuthOptions options = KeyOptions();

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", result.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_OversizeToken_Returns401TooLarge()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        string padding = new('x', options.MaxTokenBytes);
        string token = CreateToken(Claims().Append(new("padding", padding)).ToDictionary(), Hmac(options.SigningKey!));

        // Act
        AuthResult result = await AuthenticateAsync(options, "Bearer " + token);

        // Assert
        AssertInvalidToken(result, "The token is too large");
    }

    [Fact]
    public async Task AuthenticateAsync_CancelledWithAuthority_Throws()
    {
        // Arrange
        AuthOptions options = new() { Issuer = Issuer, Audience = Audience, Authority = new Uri("http://127.0.0.1:9/"), RequireHttpsMetadata = false };
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        string token = CreateToken(Claims(), Hmac(NewKey()));

        // Act + Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => CreateAuthenticator(options).AuthenticateAsync("Bearer " + token, cts.Token));
    }
}
