using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace TaskFunctions.Tests.Auth;

/// <summary>A loopback OpenID Connect authority serving a discovery document and a JWKS whose keys tests add and remove.</summary>
internal sealed class TestOidcAuthority : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<Dictionary<string, string>> _keys = [];
    private readonly List<AsymmetricAlgorithm> _signers = [];
    private int _jwksRequests;

    private TestOidcAuthority(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public static async Task<TestOidcAuthority> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var authority = new TestOidcAuthority(app);

        app.MapGet("/.well-known/openid-configuration", (HttpRequest request) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = AuthTestData.Issuer,
            ["jwks_uri"] = $"{request.Scheme}://{request.Host}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        }));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref authority._jwksRequests);
            lock (authority._gate)
            {
                return Results.Json(new { keys = authority._keys.ToArray() });
            }
        });

        await app.StartAsync();
        authority.BaseAddress = new Uri(app.Urls.Single());
        return authority;
    }

    /// <summary>Publishes a new RSA key and returns credentials that sign with its private half.</summary>
    public SigningCredentials AddRsaKey()
    {
        var rsa = Track(RSA.Create(2048));
        string kid = Guid.NewGuid().ToString("N");
        RSAParameters parameters = rsa.ExportParameters(false);
        Publish(new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        });
        return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256);
    }

    /// <summary>Publishes a new P-256 key and returns credentials that sign with its private half.</summary>
    public SigningCredentials AddEcKey()
    {
        var ecdsa = Track(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        string kid = Guid.NewGuid().ToString("N");
        ECParameters parameters = ecdsa.ExportParameters(false);
        Publish(new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["kid"] = kid,
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        });
        return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        lock (_gate)
        {
            _signers.ForEach(signer => signer.Dispose());
            _signers.Clear();
        }
    }

    /// <summary>The signing keys live as long as the authority: sign with the credentials handed out before disposing it.</summary>
    private T Track<T>(T signer)
        where T : AsymmetricAlgorithm
    {
        lock (_gate)
        {
            _signers.Add(signer);
        }

        return signer;
    }

    private void Publish(Dictionary<string, string> jwk)
    {
        lock (_gate)
        {
            _keys.Add(jwk);
        }
    }
}
