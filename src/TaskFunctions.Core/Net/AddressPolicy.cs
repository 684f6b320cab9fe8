using System.Net;
using System.Net.Sockets;

namespace TaskFunctions.Core.Net;

/// <summary>Decides which IP addresses a server-side fetch may connect to: only publicly routable unicast.</summary>
public static class AddressPolicy
{
    private static readonly IPNetwork[] ForbiddenV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network" (RFC 791/1122), includes unspecified 0.0.0.0; Linux routes it to the local host
        IPNetwork.Parse("10.0.0.0/8"),         // private (RFC 1918)
        IPNetwork.Parse("100.64.0.0/10"),      // carrier-grade NAT shared space (RFC 6598); includes Alibaba metadata 100.100.100.200
        IPNetwork.Parse("127.0.0.0/8"),        // loopback (RFC 1122)
        IPNetwork.Parse("168.63.129.16/32"),   // Azure WireServer: host DNS, health probes, VM agent (not private, but a host endpoint)
        IPNetwork.Parse("169.254.0.0/16"),     // link-local (RFC 3927): 169.254.169.254 instance metadata (Azure/AWS/GCP), 169.254.170.2 ECS credentials
        IPNetwork.Parse("172.16.0.0/12"),      // private (RFC 1918)
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments (RFC 6890): DS-Lite, NAT64 discovery, PCP
        IPNetwork.Parse("192.0.2.0/24"),       // TEST-NET-1 documentation (RFC 5737)
        IPNetwork.Parse("192.88.99.0/24"),     // deprecated 6to4 relay anycast (RFC 7526)
        IPNetwork.Parse("192.168.0.0/16"),     // private (RFC 1918)
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking (RFC 2544), used inside some data centres
        IPNetwork.Parse("198.51.100.0/24"),    // TEST-NET-2 documentation (RFC 5737)
        IPNetwork.Parse("203.0.113.0/24"),     // TEST-NET-3 documentation (RFC 5737)
        IPNetwork.Parse("224.0.0.0/4"),        // multicast (RFC 5771)
        IPNetwork.Parse("240.0.0.0/4"),        // reserved (RFC 1112), never routable
        IPNetwork.Parse("255.255.255.255/32"), // limited broadcast (RFC 919); inside 240/4, listed for the reader
    ];

    // IPv6 ranges that carry an IPv4 address: the verdict is that of the embedded address.
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");  // NAT64 well-known prefix (RFC 6052), v4 in the last 32 bits
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16"); // 6to4 (RFC 3056), v4 in bits 16-47

    private static readonly IPNetwork[] ForbiddenV6 =
    [
        IPNetwork.Parse("::/128"),             // unspecified
        IPNetwork.Parse("::1/128"),            // loopback
        IPNetwork.Parse("::/96"),              // deprecated IPv4-compatible (RFC 4291); stacks may route ::a.b.c.d to a.b.c.d
        IPNetwork.Parse("::ffff:0:0:0/96"),    // SIIT IPv4-translated (RFC 2765); translators reach the embedded v4
        IPNetwork.Parse("64:ff9b:1::/48"),     // local-use NAT64 (RFC 8215): translates into the operator's own network
        IPNetwork.Parse("100::/64"),           // discard-only (RFC 6666)
        IPNetwork.Parse("2001::/32"),          // Teredo (RFC 4380): tunnels to an obfuscated v4 we cannot check reliably
        IPNetwork.Parse("2001::/23"),          // IETF protocol assignments (RFC 2928): benchmarking 2001:2::/48, ORCHID, AMT, anycast services
        IPNetwork.Parse("2001:db8::/32"),      // documentation (RFC 3849)
        IPNetwork.Parse("3fff::/20"),          // documentation (RFC 9637)
        IPNetwork.Parse("5f00::/16"),          // SRv6 segment identifiers (RFC 9602)
        IPNetwork.Parse("fc00::/7"),           // unique local (RFC 4193); includes AWS metadata fd00:ec2::254
        IPNetwork.Parse("fe80::/10"),          // link-local
        IPNetwork.Parse("fec0::/10"),          // deprecated site-local (RFC 3879)
        IPNetwork.Parse("ff00::/8"),           // multicast
    ];

    // Only global unicast is routable on the internet; everything outside it is refused even if not listed above.
    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    /// <summary>True when <paramref name="address"/> must not be connected to: loopback, private, link-local, metadata, multicast, reserved, or an IPv6 form embedding one of them.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);

        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                return IsForbiddenV4(address);
            case AddressFamily.InterNetworkV6:
                return IsForbiddenV6(address);
            default:
                return true;
        }
    }

    private static bool IsForbiddenV4(IPAddress address)
    {
        foreach (IPNetwork network in ForbiddenV4)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsForbiddenV6(IPAddress address)
    {
        // ::ffff:a.b.c.d is how dual-mode sockets carry IPv4; judge the v4 address it reaches.
        if (address.IsIPv4MappedToIPv6)
        {
            return IsForbiddenV4(address.MapToIPv4());
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);

        if (Nat64.Contains(address))
        {
            return IsForbiddenV4(new IPAddress(bytes[12..16]));
        }

        if (SixToFour.Contains(address))
        {
            return IsForbiddenV4(new IPAddress(bytes[2..6]));
        }

        foreach (IPNetwork network in ForbiddenV6)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return !GlobalUnicastV6.Contains(address);
    }
}
