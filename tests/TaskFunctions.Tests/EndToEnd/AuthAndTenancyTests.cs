using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TaskFunctions.Core.Auth;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

[Collection(SelfHostCollection.Name)]
public sealed class AuthAndTenancyTests(SelfHostFixture fixture)
{
    public static TheoryData<string, string?> BadTokens()
    {
        var options = TestAuth.Options;
        var now = DateTimeOffset.UtcNow;
        var data = new TheoryData<string, string?>
        {
            { "none", null },
            { "garbage", "not.a.jwt" },
            { "expired", DevTokenIssuer.Mint(options, "u", "t1", [], TimeSpan.FromMinutes(5), now.AddHours(-2)) },
            { "wrong-audience", DevTokenIssuer.Mint(new AuthOptions { Issuer = options.Issuer, Audience = "someone-else", SigningKey = options.SigningKey }, "u", "t1", [], TimeSpan.FromHours(1)) },
            { "wrong-issuer", DevTokenIssuer.Mint(new AuthOptions { Issuer = "https://evil.test", Audience = options.Audience, SigningKey = options.SigningKey }, "u", "t1", [], TimeSpan.FromHours(1)) },
            { "bad-signature", DevTokenIssuer.Mint(new AuthOptions { Issuer = options.Issuer, Audience = options.Audience, SigningKey = "another-signing-key-of-sufficient-length-42" }, "u", "t1", [], TimeSpan.FromHours(1)) },
            { "alg-none", UnsignedToken(options) },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task AnyRoute_BadOrMissingToken_Returns401WithChallenge(string name, string? token)
    {
        using var client = fixture.AnonymousClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (method, path) in Routes(Guid.NewGuid().ToString()))
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (method != HttpMethod.Get && method != HttpMethod.Delete)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {method} {path} gave {(int)response.StatusCode}");
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnyRoute_TokenWithoutTenantOrAdmin_Returns403()
    {
        using var client = fixture.Client(tenant: null, admin: false);

        var (status, json) = await ApiCalls.GetAsync(client, ApiCalls.Tasks);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.IsType<string>(json!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task IdRoutes_OtherTenantsTask_Return404()
    {
        using var owner = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        using var stranger = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        var generation = await ApiCalls.CreateAsync(owner, SampleBodies.For("GENERATION"));
        var id = generation["id"]!.GetValue<string>();

        foreach (var (method, path) in Routes(id).Where(r => r.Path.Contains(id, StringComparison.Ordinal)))
        {
            var (status, json) = await ApiCalls.SendAsync(stranger, method, path, method == HttpMethod.Put ? "{}" : null);
            Assert.True(status == HttpStatusCode.NotFound, $"{method} {path} gave {(int)status}: {json?.ToJsonString()}");
        }

        var (ownerStatus, _) = await ApiCalls.GetAsync(owner, ApiCalls.Tasks + id);
        Assert.Equal(HttpStatusCode.OK, ownerStatus);
    }

    [Fact]
    public async Task Admin_SeesAnyTenantsTask()
    {
        using var owner = fixture.Client("t-" + Guid.NewGuid().ToString("N"));
        using var admin = fixture.Client(tenant: null, admin: true);
        var created = await ApiCalls.CreateAsync(owner, SampleBodies.For("GENERATION"));

        var (status, _) = await ApiCalls.GetAsync(admin, ApiCalls.Tasks + created["id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Health_NeedsNoToken_AndRevealsNoSecrets()
    {
        using var client = fixture.AnonymousClient();

        using var response = await client.GetAsync(new Uri("api/health", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TestAuth.SigningKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_ServedWithoutToken_IsTheGeneratedDocument()
    {
        using var client = fixture.AnonymousClient();

        var (status, json) = await ApiCalls.GetAsync(client, "api/openapi.json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("3.1.0", json!["openapi"]!.GetValue<string>());
        Assert.NotNull(json["paths"]!["/api/v1/tasks/"]);
        Assert.Equal(
            SpecSchemas.FieldsOf("ImageAdjusterTaskPublic").Order(StringComparer.Ordinal),
            json["components"]!["schemas"]!["ImageAdjusterTaskPublic"]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<(HttpMethod Method, string Path)> Routes(string id) =>
    [
        (HttpMethod.Post, ApiCalls.Tasks),
        (HttpMethod.Get, ApiCalls.Tasks),
        (HttpMethod.Get, ApiCalls.Tasks + id),
        (HttpMethod.Put, ApiCalls.Tasks + id),
        (HttpMethod.Delete, ApiCalls.Tasks + id),
        (HttpMethod.Post, ApiCalls.Tasks + id + "/cancel"),
        (HttpMethod.Post, ApiCalls.Tasks + id + "/cleanup"),
        (HttpMethod.Get, ApiCalls.Tasks + id + "/webhook"),
        (HttpMethod.Post, ApiCalls.Tasks + "generation"),
        (HttpMethod.Get, ApiCalls.Tasks + "generation"),
        (HttpMethod.Get, ApiCalls.Tasks + "generation/" + id),
        (HttpMethod.Put, ApiCalls.Tasks + "generation/" + id),
        (HttpMethod.Post, ApiCalls.Tasks + "generation/" + id + "/cancel"),
    ];

    private static string UnsignedToken(AuthOptions options)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var header = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = B64($"{{\"sub\":\"u\",\"tenant_id\":\"t1\",\"iss\":\"{options.Issuer}\",\"aud\":\"{options.Audience}\",\"exp\":{exp},\"roles\":[\"tasks.admin\"]}}");
        return header + "." + payload + ".";
    }
}
