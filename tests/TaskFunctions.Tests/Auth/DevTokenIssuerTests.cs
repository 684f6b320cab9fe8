using Microsoft.IdentityModel.JsonWebTokens;
using TaskFunctions.Core.Auth;
using static TaskFunctions.Tests.Auth.AuthTestData;

namespace TaskFunctions.Tests.Auth;

public sealed class DevTokenIssuerTests
{
    [Fact]
    public void Mint_WithRolesAndTenant_WritesStandardClaims()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

        // Act
        string token = DevTokenIssuer.Mint(options, "user-1", "tenant-a", ["tasks.admin", "reader"], TimeSpan.FromMinutes(30), now);

        // Assert
        var jwt = new JsonWebToken(token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(Issuer, jwt.Issuer);
        Assert.Equal([Audience], jwt.Audiences);
        Assert.Equal("user-1", jwt.Subject);
        Assert.Equal("tenant-a", jwt.GetClaim("tenant_id").Value);
        Assert.Equal(["tasks.admin", "reader"], jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal(now.UtcDateTime, jwt.ValidFrom);
        Assert.Equal(now.UtcDateTime.AddMinutes(30), jwt.ValidTo);
    }

    [Fact]
    public void Mint_NoTenantNoRoles_OmitsClaims()
    {
        // Arrange
        AuthOptions options = KeyOptions();

        // Act
        string token = DevTokenIssuer.Mint(options, "user-1", null, [], TimeSpan.FromMinutes(5));

        // Assert
        var jwt = new JsonWebToken(token);
        Assert.False(jwt.TryGetClaim("tenant_id", out _));
        Assert.False(jwt.TryGetClaim("roles", out _));
    }

    [Fact]
    public void Mint_CustomClaimNames_UsesConfiguredNames()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        options.TenantClaim = "tid";
        options.RolesClaim = "app_roles";

        // Act
        string token = DevTokenIssuer.Mint(options, "user-1", "t-1", ["x"], TimeSpan.FromMinutes(5));

        // Assert
        var jwt = new JsonWebToken(token);
        Assert.Equal("t-1", jwt.GetClaim("tid").Value);
        Assert.Equal("x", jwt.GetClaim("app_roles").Value);
    }

    [Fact]
    public void Mint_NoSigningKey_Throws()
    {
        // Arrange
        var options = new AuthOptions { Issuer = Issuer, Audience = Audience, Authority = new Uri("https://login.example.com/") };

        // Act + Assert
        Assert.Throws<InvalidOperationException>(() => DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Mint_NonPositiveLifetime_Throws()
    {
        // Arrange
        AuthOptions options = KeyOptions();

        // Act + Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => DevTokenIssuer.Mint(options, "user-1", "tenant-a", [], TimeSpan.Zero));
    }
}
