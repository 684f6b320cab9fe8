using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaskFunctions.Core.Storage;

/// <summary>Builds Table Storage keys from caller-supplied strings (tenants, task ids).</summary>
internal static class TableKeys
{
    // Keys may not hold / \ # ? or control characters and are capped at 1 KiB; '%' and quotes are legal but
    // break URL-based point reads in some stacks, so only a conservative set is kept verbatim.
    private const int MaxEncodedLength = 400;

    /// <summary>
    /// Injective, reversible encoding: [A-Za-z0-9-_.] stay, every other UTF-8 byte becomes "~XX".
    /// Over-long results are replaced by a hash so keys stay under the 1 KiB limit.
    /// </summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('~').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        if (builder.Length <= MaxEncodedLength)
        {
            return builder.ToString();
        }

        // '!' never appears in the verbatim encoding, so hashed keys cannot collide with encoded ones.
        return "!" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    public static string TenantPartition(string tenant) => "t:" + Encode(tenant);

    /// <summary>Cross-tenant partition for admin lists.</summary>
    public const string GlobalPartition = "all";

    /// <summary>Inverted ticks so ascending RowKey order is newest first; the id breaks ties.</summary>
    public static string IndexRowKey(DateTimeOffset createdAt, string id) =>
        (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "_" + Encode(id);

    /// <summary>Creation time encoded in an index RowKey, or null when the key is not one of ours.</summary>
    public static DateTimeOffset? CreatedAtFromIndexRowKey(string rowKey)
    {
        if (rowKey.Length < 20 || !long.TryParse(rowKey.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var inverted))
        {
            return null;
        }

        var ticks = DateTimeOffset.MaxValue.UtcTicks - inverted;
        return ticks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }
}
