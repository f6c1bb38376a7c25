using CsCheck;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Routing;

namespace McpTunnel.Proxy.Tests.Routing;

/// <summary>Routing by Host: however a client spells the name (case, a port, a trailing dot), the same route answers.</summary>
public sealed class RouteMatchingPropertyTests
{
    private const string Domain = "abcd1234.tunnel.test";

    [Fact]
    public void RouteMatching_IgnoresCasePortAndTrailingDot()
    {
        var label = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], 1, 12];
        var spelling = Gen.Select(Gen.Bool.Array[40], Gen.Int[0, 65535].Array[0, 1], Gen.Bool);
        Gen.Select(label, spelling).Sample((key, form) =>
        {
            var (upper, port, trailingDot) = form;
            var table = new RouteTable([new RouteDefinition(key, new UpstreamAddress("http", "upstream", 9000))], Domain);
            var host = string.Concat($"{key}.{Domain}".Select((c, i) => upper[i % upper.Length] ? char.ToUpperInvariant(c) : c));
            host += (trailingDot ? "." : "") + (port.Length > 0 ? $":{port[0]}" : "");

            Assert.Equal(key, table.Match(host).Route?.Key);
        });
    }
}
