using System.Net;
using TaskFunctions.Core.Net;

namespace TaskFunctions.Tests.Net;

public sealed class AddressPolicyTests
{
    [Theory]
    // Loopback and unspecified
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    // "This network" 0/8
    [InlineData("0.1.2.3")]
    // Link-local and instance metadata
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("169.254.170.2")]
    [InlineData("fe80::1")]
    [InlineData("febf:ffff::1")]
    // Azure WireServer
    [InlineData("168.63.129.16")]
    // RFC 1918
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("192.168.255.255")]
    // CGNAT
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("100.100.100.200")]
    // Unique local (incl. AWS IPv6 metadata) and deprecated site-local
    [InlineData("fc00::1")]
    [InlineData("fd00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fec0::1")]
    // Multicast and broadcast
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("ff02::1")]
    [InlineData("ff0e::1")]
    [InlineData("255.255.255.255")]
    // Reserved 240/4
    [InlineData("240.0.0.1")]
    // Benchmarking, documentation, IETF and 6to4 relay blocks
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.255")]
    [InlineData("192.0.0.8")]
    [InlineData("192.0.2.1")]
    [InlineData("198.51.100.1")]
    [InlineData("203.0.113.1")]
    [InlineData("192.88.99.1")]
    [InlineData("2001:db8::1")]
    [InlineData("3fff::1")]
    [InlineData("2001:2::1")]
    [InlineData("100::1")]
    [InlineData("5f00::1")]
    // IPv4-mapped, IPv4-compatible and SIIT forms of forbidden v4
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("::8.8.8.8")]
    [InlineData("::ffff:0:8.8.8.8")]
    // NAT64 with forbidden embedded v4, and the local-use NAT64 prefix
    [InlineData("64:ff9b::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("64:ff9b:1::808:808")]
    // 6to4 with forbidden embedded v4
    [InlineData("2002:7f00:1::")]
    [InlineData("2002:a00:1::1")]
    [InlineData("2002:a9fe:a9fe::")]
    // Teredo
    [InlineData("2001::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    // Outside global unicast 2000::/3
    [InlineData("4000::1")]
    [InlineData("1::1")]
    public void IsForbidden_NonPublicAddress_ReturnsTrue(string address)
    {
        // Arrange
        IPAddress parsed = IPAddress.Parse(address);

        // Act
        bool forbidden = AddressPolicy.IsForbidden(parsed);

        // Assert
        Assert.True(forbidden, address);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("20.42.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.1")]
    [InlineData("168.63.129.17")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.1")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.1")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700::1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2a00:1450:4001::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void IsForbidden_PublicAddress_ReturnsFalse(string address)
    {
        // Arrange
        IPAddress parsed = IPAddress.Parse(address);

        // Act
        bool forbidden = AddressPolicy.IsForbidden(parsed);

        // Assert
        Assert.False(forbidden, address);
    }

    [Fact]
    public void IsForbidden_LinkLocalWithScopeId_ReturnsTrue()
    {
        // Arrange
        var address = new IPAddress(IPAddress.Parse("fe80::1").GetAddressBytes(), scopeid: 2);

        // Act
        bool forbidden = AddressPolicy.IsForbidden(address);

        // Assert
        Assert.True(forbidden);
    }
}
