using TaskFunctions.Core.Auth;

namespace TaskFunctions.SelfHost;

/// <summary>
/// <c>TaskFunctions.SelfHost token [--tenant T] [--admin] [--subject S] [--hours H]</c>: prints a dev JWT signed
/// with the configured HS256 key (Auth:SigningKey), valid for this service's issuer and audience.
/// </summary>
public static class DevTokenCommand
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = new AuthOptions();
        configuration.GetSection("Auth").Bind(options);

        string? tenant = "dev-tenant";
        var subject = "dev-user";
        var roles = new List<string>();
        var hours = 8.0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tenant" when i + 1 < args.Length: tenant = args[++i]; break;
                case "--no-tenant": tenant = null; break;
                case "--subject" when i + 1 < args.Length: subject = args[++i]; break;
                case "--admin": roles.Add(options.AdminRole); break;
                case "--hours" when i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var h): hours = h; i++; break;
                default:
                    Console.Error.WriteLine("usage: token [--tenant T | --no-tenant] [--admin] [--subject S] [--hours H]");
                    return 2;
            }
        }

        if (string.IsNullOrEmpty(options.SigningKey))
        {
            Console.Error.WriteLine("Auth:SigningKey is not configured; dev tokens need the HS256 signing key.");
            return 1;
        }

        Console.WriteLine(DevTokenIssuer.Mint(options, subject, tenant, roles, TimeSpan.FromHours(hours)));
        return 0;
    }
}
