using System.ComponentModel.DataAnnotations;
using TaskFunctions.Core.Auth;
using static TaskFunctions.Tests.Auth.AuthTestData;

namespace TaskFunctions.Tests.Auth;

public sealed class AuthOptionsTests
{
    private static List<ValidationResult> Validate(AuthOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Validate_SigningKeyMode_IsValid()
    {
        // Arrange
        AuthOptions options = KeyOptions();

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Empty(results);
    }

    [Fact]
    public void Validate_HttpsAuthorityMode_IsValid()
    {
        // Arrange
        var options = new AuthOptions { Issuer = Issuer, Audience = Audience, Authority = new Uri("https://login.example.com/tenant/v2.0") };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Empty(results);
    }

    [Fact]
    public void Validate_ShortSigningKey_Fails()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        options.SigningKey = new string('k', 31);

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        ValidationResult error = Assert.Single(results);
        Assert.Contains(nameof(AuthOptions.SigningKey), error.MemberNames);
    }

    [Fact]
    public void Validate_SigningKeyOf32MultiByteChars_CountsUtf8Bytes()
    {
        // Arrange: 16 two-byte characters are 32 bytes, enough although only 16 chars long.
        AuthOptions options = KeyOptions();
        options.SigningKey = new string('é', 16);

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Empty(results);
    }

    [Fact]
    public void Validate_BothSigningKeyAndAuthority_Fails()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        options.Authority = new Uri("https://login.example.com/");

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        ValidationResult error = Assert.Single(results);
        Assert.Contains(nameof(AuthOptions.Authority), error.MemberNames);
    }

    [Fact]
    public void Validate_NeitherSigningKeyNorAuthority_Fails()
    {
        // Arrange
        var options = new AuthOptions { Issuer = Issuer, Audience = Audience };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        ValidationResult error = Assert.Single(results);
        Assert.Contains(nameof(AuthOptions.SigningKey), error.MemberNames);
    }

    [Fact]
    public void Validate_MissingIssuerAndAudience_Fails()
    {
        // Arrange
        var options = new AuthOptions { SigningKey = NewKey() };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(AuthOptions.Issuer)));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(AuthOptions.Audience)));
    }

    [Fact]
    public void Validate_HttpAuthorityWithHttpsRequired_Fails()
    {
        // Arrange
        var options = new AuthOptions { Issuer = Issuer, Audience = Audience, Authority = new Uri("http://login.example.com/") };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Single(results);
    }

    [Fact]
    public void Validate_HttpAuthorityWithHttpsNotRequired_IsValid()
    {
        // Arrange
        var options = new AuthOptions { Issuer = Issuer, Audience = Audience, Authority = new Uri("http://127.0.0.1:8080/"), RequireHttpsMetadata = false };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Empty(results);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("RS256")]
    [InlineData("hs256")]
    public void Validate_SigningKeyWithNonHmacAlgorithm_Fails(string algorithm)
    {
        // Arrange
        AuthOptions options = KeyOptions();
        options.AllowedAlgorithms = ["HS256", algorithm];

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        ValidationResult error = Assert.Single(results);
        Assert.Contains(nameof(AuthOptions.AllowedAlgorithms), error.MemberNames);
    }

    [Fact]
    public void Validate_AuthorityWithHmacAlgorithm_Fails()
    {
        // Arrange
        var options = new AuthOptions { Issuer = Issuer, Audience = Audience, Authority = new Uri("https://login.example.com/"), AllowedAlgorithms = ["RS256", "HS256"] };

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Single(results);
    }

    [Fact]
    public void Validate_ClockSkewOverFiveMinutes_Fails()
    {
        // Arrange
        AuthOptions options = KeyOptions();
        options.ClockSkew = TimeSpan.FromMinutes(10);

        // Act
        List<ValidationResult> results = Validate(options);

        // Assert
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(AuthOptions.ClockSkew)));
    }

    [Fact]
    public void GetAllowedAlgorithms_Defaults_DependOnKeyMode()
    {
        // Arrange
        AuthOptions keyMode = KeyOptions();
        var authorityMode = new AuthOptions { Issuer = Issuer, Audience = Audience, Authority = new Uri("https://login.example.com/") };

        // Act
        IReadOnlyList<string> keyAlgorithms = keyMode.GetAllowedAlgorithms();
        IReadOnlyList<string> authorityAlgorithms = authorityMode.GetAllowedAlgorithms();

        // Assert
        Assert.Equal(["HS256"], keyAlgorithms);
        Assert.Equal(["RS256", "ES256"], authorityAlgorithms);
    }

    [Theory]
    [InlineData("https://login.example.com/tenant/v2.0", "https://login.example.com/tenant/v2.0/.well-known/openid-configuration")]
    [InlineData("https://login.example.com/tenant/v2.0/", "https://login.example.com/tenant/v2.0/.well-known/openid-configuration")]
    [InlineData("https://login.example.com", "https://login.example.com/.well-known/openid-configuration")]
    public void GetMetadataAddress_Authority_AppendsWellKnownPath(string authority, string expected)
    {
        // Arrange
        var options = new AuthOptions { Authority = new Uri(authority) };

        // Act
        Uri? address = options.GetMetadataAddress();

        // Assert
        Assert.Equal(new Uri(expected), address);
    }
}
