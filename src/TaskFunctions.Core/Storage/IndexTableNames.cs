using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace TaskFunctions.Core.Storage;

/// <summary>
/// Names of the index tables: one per tenant partition and one for the global (admin) partition, all starting with
/// <see cref="StorageOptions.TaskIndexTable"/>.
/// </summary>
/// <remarks>
/// A table per tenant keeps a tenant's list a query over that tenant's entities only (Azurite scans a whole table
/// per query; Table Storage serves a partition either way), isolates tenants and makes a tenant's index one table
/// to drop. The name hashes the partition key rather than the raw tenant so that every index entity names its own
/// table; the partition key stays inside the table, so even a hash collision could not mix two tenants' lists.
/// </remarks>
internal static class IndexTableNames
{
    /// <summary>Hex characters of SHA-256 kept in a tenant table's name (96 bits).</summary>
    public const int HashHexChars = 24;

    /// <summary>Longest prefix that still leaves room for <c>"t" + hash</c> within the 63-character table name limit.</summary>
    public const int MaxPrefixLength = 63 - 1 - HashHexChars;

    private const string GlobalSuffix = "all";
    private const string TenantMarker = "t";

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>The table of the cross-tenant partition <see cref="TableKeys.GlobalPartition"/>.</summary>
    public static string Global(string prefix) => prefix + GlobalSuffix;

    /// <summary>The table of a tenant: prefix + "t" + the first 24 hex digits of SHA-256 of its partition key.</summary>
    public static string ForTenant(string prefix, string tenant) => ForPartition(prefix, TableKeys.TenantPartition(tenant));

    /// <summary>The table holding index entities of <paramref name="partitionKey"/>.</summary>
    public static string ForPartition(string prefix, string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (partitionKey == TableKeys.GlobalPartition)
        {
            return Global(prefix);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partitionKey)));
        return prefix + TenantMarker + hash[..HashHexChars];
    }

    /// <summary>Whether <paramref name="tableName"/> could be one of the index tables under <paramref name="prefix"/>.</summary>
    public static bool IsIndexTableName(string prefix, string tableName)
    {
        // Table names are case-insensitive.
        if (!tableName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = tableName.AsSpan(prefix.Length);
        return rest.Equals(GlobalSuffix, StringComparison.OrdinalIgnoreCase)
            || (rest.Length == 1 + HashHexChars
                && rest.StartsWith(TenantMarker, StringComparison.OrdinalIgnoreCase)
                && !rest[1..].ContainsAnyExcept(HexDigits));
    }
}
