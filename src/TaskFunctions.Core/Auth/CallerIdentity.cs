namespace TaskFunctions.Core.Auth;

/// <summary>The authenticated caller: token subject, its tenant (if any) and whether it may cross tenants.</summary>
public sealed record CallerIdentity(string Subject, string? Tenant, bool IsAdmin)
{
    /// <summary>True when the caller is an admin or <paramref name="tenant"/> is its own tenant.</summary>
    public bool CanAccessTenant(string tenant) =>
        IsAdmin || (Tenant is not null && string.Equals(Tenant, tenant, StringComparison.Ordinal));
}
