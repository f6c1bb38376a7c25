using System.CommandLine;
using McpTunnel.Cli.Terminal;

namespace McpTunnel.Cli.Certs;

/// <summary><c>mcptunnel certs ca|server|renew|check</c>: the docs' openssl steps as commands, plus the rule checker.</summary>
internal static class CertsCommand
{
    public static Command Create() => new("certs", "Create, renew and check the tunnel's CA and server certificates (no openssl needed)")
    {
        CreateCa(),
        CreateServer(),
        CreateRenew(),
        CreateCheck(),
    };

    private static Command CreateCa()
    {
        var outDir = new Option<string>("--out") { Description = "Directory for ca.crt and ca.key", DefaultValueFactory = _ => "data" };
        var keyType = CommonOptions.KeyType("CA key type");
        var days = CommonOptions.Days("CA");
        var duration = CommonOptions.Duration("CA", "43800h, five years");
        var commonName = new Option<string>("--cn") { Description = "CA common name", DefaultValueFactory = _ => "mcp-tunnel-ca" };
        var force = new Option<bool>("--force") { Description = "Replace an existing CA (it must then be registered again)" };
        var command = new Command("ca", "Create a new CA (ECDSA P-256, 5 years, CA:TRUE critical, keyCertSign, SKI)") { outDir, keyType, days, duration, commonName, force };
        command.SetAction(result =>
        {
            var io = result.InvocationConfiguration;
            if (!ValidityOption.TryResolve(result.GetValue(days), result.GetValue(duration), TimeSpan.FromDays(5 * 365), out var validity, out var error))
            {
                io.Error.WriteLine($"certs ca: {error}");
                return 2;
            }

            return CertsCaAction.Run(
                new CertsCaOptions(result.GetValue(outDir)!)
                {
                    KeyAlgorithm = CommonOptions.ParseKeyType(result.GetValue(keyType)!),
                    Validity = validity,
                    CommonName = result.GetValue(commonName)!,
                    Force = result.GetValue(force),
                },
                io.Output,
                io.Error);
        });
        return command;
    }

    private static Command CreateServer()
    {
        var caCert = CaCertOption();
        var caKey = CaKeyOption();
        var domain = new Option<string>("--domain") { Description = "Tunnel domain, e.g. abcd1234.tunnel.anthropic.com (SAN *.<domain> and <domain>)", Required = true };
        var outDir = new Option<string>("--out") { Description = "Directory for tls.crt and tls.key", DefaultValueFactory = _ => "data" };
        var keyType = CommonOptions.KeyType("Server key type");
        var days = CommonOptions.Days("Server certificate");
        var duration = CommonOptions.Duration("Server certificate", "2160h, 90 days");
        var force = new Option<bool>("--force") { Description = "Replace an existing tls.crt/tls.key" };
        var proxyReadable = new Option<bool>("--proxy-readable") { Description = "Make tls.key readable by the proxy's UID 65532 (chown as root, else mode 0644)" };
        var command = new Command("server", "Issue a server certificate from an existing CA (ours or openssl's)") { caCert, caKey, domain, outDir, keyType, days, duration, force, proxyReadable };
        command.SetAction(result =>
        {
            var io = result.InvocationConfiguration;
            if (!ValidityOption.TryResolve(result.GetValue(days), result.GetValue(duration), TimeSpan.FromHours(2160), out var validity, out var error))
            {
                io.Error.WriteLine($"certs server: {error}");
                return 2;
            }

            return CertsServerAction.Run(
                new CertsServerOptions(result.GetValue(caCert)!, result.GetValue(caKey)!, result.GetValue(domain)!, result.GetValue(outDir)!)
                {
                    KeyAlgorithm = CommonOptions.ParseKeyType(result.GetValue(keyType)!),
                    Validity = validity,
                    Force = result.GetValue(force),
                    ProxyReadable = result.GetValue(proxyReadable),
                },
                io.Output,
                io.Error);
        });
        return command;
    }

    private static Command CreateRenew()
    {
        var caCert = CaCertOption();
        var caKey = CaKeyOption();
        var cert = new Option<string>("--cert") { Description = "Server certificate to replace", DefaultValueFactory = _ => "data/tls.crt" };
        var key = new Option<string>("--key") { Description = "Existing server key, re-signed unchanged", DefaultValueFactory = _ => "data/tls.key" };
        var domain = new Option<string?>("--domain") { Description = "Tunnel domain (default: keep the current certificate's names)" };
        var days = CommonOptions.Days("Server certificate");
        var duration = CommonOptions.Duration("Server certificate", "2160h, 90 days");
        var command = new Command("renew", "Re-sign the existing tls.key with the same CA and replace tls.crt (the key, and so anything pinned to it, stays)") { caCert, caKey, cert, key, domain, days, duration };
        command.SetAction(result =>
        {
            var io = result.InvocationConfiguration;
            if (!ValidityOption.TryResolve(result.GetValue(days), result.GetValue(duration), TimeSpan.FromHours(2160), out var validity, out var error))
            {
                io.Error.WriteLine($"certs renew: {error}");
                return 2;
            }

            return CertsRenewAction.Run(
                new CertsRenewOptions(result.GetValue(caCert)!, result.GetValue(caKey)!, result.GetValue(cert)!, result.GetValue(key)!)
                {
                    Domain = result.GetValue(domain),
                    Validity = validity,
                },
                io.Output,
                io.Error);
        });
        return command;
    }

    private static Command CreateCheck()
    {
        var ca = new Option<string?>("--ca") { Description = "CA certificate PEM to check against the tunnel CA rules (and to verify the server certificate)" };
        var cert = new Option<string?>("--cert") { Description = "Server certificate PEM to check against the tunnel server-certificate rules" };
        var key = new Option<string?>("--key") { Description = "Server key PEM: check that it belongs to --cert" };
        var domain = new Option<string?>("--domain") { Description = "Tunnel domain the SAN must cover (*.<domain>)" };
        var host = new Option<string?>("--host") { Description = "One full route host the SAN must match, e.g. echo.<domain>" };
        var json = JsonReport.CreateOption();
        var command = new Command("check", "Check a CA and/or server certificate against every rule Anthropic applies; exit 1 on any failure") { ca, cert, key, domain, host, json };
        command.SetAction(result =>
        {
            var io = result.InvocationConfiguration;
            return CertsCheckAction.Run(
                new CertsCheckOptions
                {
                    CaPath = result.GetValue(ca),
                    CertPath = result.GetValue(cert),
                    KeyPath = result.GetValue(key),
                    Domain = result.GetValue(domain),
                    Host = result.GetValue(host),
                    Json = result.GetValue(json),
                },
                io.Output,
                io.Error);
        });
        return command;
    }

    private static Option<string> CaCertOption() => new("--ca-cert") { Description = "CA certificate PEM", DefaultValueFactory = _ => "data/ca.crt" };

    private static Option<string> CaKeyOption() => new("--ca-key") { Description = "CA private key PEM", DefaultValueFactory = _ => "data/ca.key" };
}
