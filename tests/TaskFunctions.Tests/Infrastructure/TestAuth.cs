using TaskFunctions.Core.Auth;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>The JWT settings the end-to-end self-host runs with, and tokens for them.</summary>
public static class TestAuth
{
    public const string Issuer = "https://issuer.test/taskfunctions";
    public const string Audience = "taskfunctions-tests";
    public const string SigningKey = "end-to-end-test-signing-key-0123456789abcdef";

    public static AuthOptions Options { get; } = new()
    {
        Issuer = Issuer,
        Audience = Audience,
        SigningKey = SigningKey,
    };

    public static string Token(string? tenant, bool admin = false, TimeSpan? lifetime = null) =>
        DevTokenIssuer.Mint(Options, "test-user", tenant, admin ? [Options.AdminRole] : [], lifetime ?? TimeSpan.FromHours(1));

    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["Auth__Issuer"] = Issuer,
        ["Auth__Audience"] = Audience,
        ["Auth__SigningKey"] = SigningKey,
    };
}
