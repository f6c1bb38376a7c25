using System.Net;
using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// <c>upstream:</c> the egress policy (<c>allowed_ips</c>, <c>disable_ip_validation</c>), trust for https upstreams
/// (<c>tls.ca_file</c>, <c>tls.include_system_cas</c>) and the upstream timeouts. <c>host_header</c>,
/// <c>response_header_timeout_by_route</c> and <c>credentials</c>, in the same mapping, are read by
/// <see cref="HostHeaderSection"/>, <see cref="ResponseHeaderTimeoutSection"/> and <see cref="CredentialsSection"/> once
/// the routes are known.
/// </summary>
internal static class UpstreamSection
{
    public static UpstreamSettings Read(ConfigMapping? upstream)
    {
        var defaults = new UpstreamSettings();
        if (upstream is null)
        {
            return defaults;
        }

        var allowed = ReadAllowedIps(upstream);
        var disable = upstream.Bool("disable_ip_validation", defaults.DisableIpValidation);

        var tls = upstream.Mapping("tls");
        var caFile = tls?.String("ca_file");
        if (string.IsNullOrWhiteSpace(caFile))
        {
            caFile = null;
        }
        else
        {
            ReadableFile.Check(upstream.Diagnostics, "upstream.tls.ca_file", caFile);
        }

        var includeSystem = tls?.Bool("include_system_cas", defaults.TlsIncludeSystemCas) ?? defaults.TlsIncludeSystemCas;
        tls?.WarnUnknownKeys();

        return new UpstreamSettings
        {
            AllowedIps = allowed,
            DisableIpValidation = disable,
            TlsCaFile = caFile,
            TlsIncludeSystemCas = includeSystem,
            ConnectTimeout = upstream.Duration("connect_timeout", defaults.ConnectTimeout),
            ResponseHeaderTimeout = ResponseHeaderTimeoutSection.ReadScalar(upstream),
        };
    }

    private static List<IPNetwork> ReadAllowedIps(ConfigMapping upstream)
    {
        var result = new List<IPNetwork>();
        if (upstream.Sequence("allowed_ips", "write a list, one CIDR per line: - 10.0.0.0/8") is not { } entries)
        {
            return result;
        }

        foreach (var item in entries)
        {
            var text = (item as YamlScalarNode)?.Value?.Trim() ?? "";
            if (!AllowedIpParser.TryParse(text, out var network, out var reason))
            {
                upstream.Diagnostics.Error("upstream.allowed_ips", $"line {item.Start.Line}: \"{text}\" {reason}", "use IPv4 CIDRs such as 10.0.0.0/8 or single IPv4 addresses such as 10.1.2.3");
                continue;
            }

            result.Add(network);
        }

        return result;
    }
}
