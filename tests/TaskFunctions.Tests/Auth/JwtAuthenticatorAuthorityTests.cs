using Microsoft.IdentityModel.Tokens;
using TaskFunctions.Core.Auth;
using static TaskFunctions.Tests.Auth.AuthTestData;

namespace TaskFunctions.Tests.Auth;

public sealed class JwtAuthenticatorAuthorityTests
{
    private static AuthOptions AuthorityOptions(TestOidcAuthority authority) => new()
    {
        Issuer = Issuer,
        Audience = Audience,
        Authority = authority.BaseAddress,
        RequireHttpsMetadata = false,
    };

    [Fact]
    public async Task AuthenticateAsync_Rs256FromJwks_ReturnsIdentity()
    {
        // Arrange
        await using TestOidcAuthority authority = await TestOidcAuthority.StartAsync();
        SigningCredentials credentials = authority.AddRsaKey();
        JwtAuthenticator authenticator = CreateAuthenticator(AuthorityOptions(authority));
        string token = CreateToken(Claims(subject: "svc-1", tenant: "tenant-r"), credentials);

        // Act
        AuthResult result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);

        // Assert
        Assert.True(result.Succeeded, result.Detail);
        Assert.Equal(new CallerIdentity("svc-1", "tenant-r", false), result.Identity);
    }

    [Fact]
    public async Task AuthenticateAsync_Es256FromJwks_ReturnsIdentity()
    {
        // Arrange
        await using TestOidcAuthority authority = await TestOidcAuthority.StartAsync();
        authority.AddRsaKey();
        SigningCredentials credentials = authority.AddEcKey();
        JwtAuthenticator authenticator = CreateAuthenticator(AuthorityOptions(authority));
        string token = CreateToken(Claims(roles: new[] { "tasks.admin" }), credentials);

        // Act
        AuthResult result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);

        // Assert
        Assert.True(result.Succeeded, result.Detail);
        Assert.True(result.Identity.IsAdmin);
    }

    [Fact]
    public async Task AuthenticateAsync_RepeatedCalls_FetchJwksOnce()
    {
        // Arrange
        await using TestOidcAuthority authority = await TestOidcAuthority.StartAsync();
        SigningCredentials credentials = authority.AddRsaKey();
        JwtAuthenticator authenticator = CreateAuthenticator(AuthorityOptions(authority));
        string token = CreateToken(Claims(), credentials);

        // Act
        AuthResult first = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);
        AuthResult second = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);

        // Assert
        Assert.True(first.Succeeded);
        Assert.True(second.Succeeded);
        Assert.Equal(1, authority.JwksRequests);
    }

    [Fact]
    public async Task AuthenticateAsync_KeyNotInJwks_Returns401()
    {
        // Arrange
        await using TestOidcAuthority authority = await TestOidcAuthority.StartAsync();
        authority.AddRsaKey();
        await using TestOidcAuthority stranger = await TestOidcAuthority.StartAsync();
        SigningCredentials foreign = stranger.AddRsaKey();
        JwtAuthenticator authenticator = CreateAuthenticator(AuthorityOptions(authority));
        string token = CreateToken(Claims(), foreign);

        // Act
        AuthResult result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", result.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_Hs256SignedWithPublicModulus_Returns401()
    {
        // Arrange: the classic algorithm-confusion forgery, HMAC keyed with public key bytes.
        await using TestOidcAuthority authority = await TestOidcAuthority.StartAsync();
        var rsa = (RsaSecurityKey)authority.AddRsaKey().Key;
        byte[] publicBytes = rsa.Rsa.ExportRSAPublicKey();
        var forged = new SigningCredentials(new SymmetricSecurityKey(publicBytes) { KeyId = rsa.KeyId }, SecurityAlgorithms.HmacSha256);
        JwtAuthenticator authenticator = CreateAuthenticator(AuthorityOptions(authority));
        string token = CreateToken(Claims(roles: new[] { "tasks.admin" }), forged);

        // Act
        AuthResult result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);

        // Assert
        Assert.Equal(401, result.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_RotatedKey_RefreshesJwksAndRecovers()
    {
        // Arrange
        await using TestOidcAuthority authority = await TestOidcAuthority.StartAsync();
        SigningCredentials oldKey = authority.AddRsaKey();
        JwtAuthenticator authenticator = CreateAuthenticator(AuthorityOptions(authority));
        AuthResult warmUp = await authenticator.AuthenticateAsync("Bearer " + CreateToken(Claims(), oldKey), CancellationToken.None);
        SigningCredentials newKey = authority.AddRsaKey();
        string token = CreateToken(Claims(), newKey);

        // Act: IdentityModel 8 refreshes in the background, so the first call after rotation may still see the old JWKS.
        AuthResult result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);
        for (int attempt = 0; !result.Succeeded && attempt < 50; attempt++)
        {
            await Task.Delay(100);
            result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);
        }

        // Assert
        Assert.True(warmUp.Succeeded);
        Assert.True(result.Succeeded, result.Detail);
        Assert.Equal(2, authority.JwksRequests);
    }

    [Fact]
    public async Task AuthenticateAsync_HttpAuthorityWhileHttpsRequired_Returns401()
    {
        // Arrange
        await using TestOidcAuthority authority = await TestOidcAuthority.StartAsync();
        SigningCredentials credentials = authority.AddRsaKey();
        AuthOptions options = AuthorityOptions(authority);
        options.RequireHttpsMetadata = true;
        JwtAuthenticator authenticator = CreateAuthenticator(options);
        string token = CreateToken(Claims(), credentials);

        // Act
        AuthResult result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);

        // Assert
        Assert.Equal(401, result.StatusCode);
        Assert.Equal(0, authority.JwksRequests);
    }

    [Fact]
    public async Task AuthenticateAsync_AuthorityUnreachable_Returns401()
    {
        // Arrange
        TestOidcAuthority authority = await TestOidcAuthority.StartAsync();
        SigningCredentials credentials = authority.AddRsaKey();
        AuthOptions options = AuthorityOptions(authority);
        string token = CreateToken(Claims(), credentials);
        await authority.DisposeAsync();
        JwtAuthenticator authenticator = CreateAuthenticator(options);

        // Act
        AuthResult result = await authenticator.AuthenticateAsync("Bearer " + token, CancellationToken.None);

        // Assert
        Assert.Equal(401, result.StatusCode);
        Assert.Equal("The token could not be validated", result.Detail);
    }
}
