using System.Security.Cryptography;
using McpTunnel.Cli.Certs;
using McpTunnel.Cli.Terminal;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;

namespace McpTunnel.Cli.Quickstart;

/// <summary>
/// Step 4 of the seed without openssl: <c>data/ca.crt</c>, <c>data/ca.key</c> (0600), <c>data/tls.crt</c> and
/// <c>data/tls.key</c> (readable by the proxy's UID 65532). An existing CA is always reused, even with
/// <c>--force</c>: it may already be registered in the Console, and a new one would need registering again.
/// </summary>
internal sealed class QuickstartCertificates(QuickstartFiles files, QuickstartOptions options, QuickstartEnvironment environment, TextWriter output)
{
    public string CaCert => files.PathOf("data/ca.crt");

    public string CaKey => files.PathOf("data/ca.key");

    public string ServerCert => files.PathOf("data/tls.crt");

    public string ServerKey => files.PathOf("data/tls.key");

    /// <summary>False when the existing files cannot be used and nothing safe can be done without the user.</summary>
    public bool Ensure(string domain, TextWriter error)
    {
        CertificateAuthority ca;
        var caExists = File.Exists(CaCert) || File.Exists(CaKey);
        if (caExists)
        {
            try
            {
                ca = CertificateAuthority.Load(CaCert, CaKey);
                output.WriteLine("  kept      data/ca.crt, data/ca.key (an existing CA is never replaced: it may be registered already)");
            }
            catch (Exception ex) when (ex is CryptographicException or IOException)
            {
                error.WriteLine($"quickstart: the existing CA in data/ cannot be used: {ex.Message}");
                error.WriteLine("  move data/ca.crt and data/ca.key away to create a new CA (it must then be registered in the Console)");
                return false;
            }
        }
        else
        {
            ca = CertificateAuthority.Create();
            new CertificateFilePair(CaCert, CaKey).Write(ca.CertificatePem, ca.PrivateKeyPem);
            output.WriteLine("  created   data/ca.crt, data/ca.key (ECDSA P-256 CA, 5 years; ca.key mode 0600)");
        }

        using (ca)
        {
            var serverExists = File.Exists(ServerCert) && File.Exists(ServerKey);
            if (serverExists && !options.Force)
            {
                var report = CertificateChecker.CheckServer(File.ReadAllText(ServerCert), ca.CertificatePem, domain, ServerNameKind.TunnelDomain);
                output.WriteLine(report.Passed
                    ? "  kept      data/tls.crt, data/tls.key (valid for this domain and CA)"
                    : $"  kept      data/tls.crt, data/tls.key; WARNING it fails {string.Join(", ", report.Failures.Select(f => f.RuleId))}: re-run with --force to re-issue it");
                return true;
            }

            var issued = ca.IssueServerCertificate(new ServerCertificateRequest(domain) { KeyAlgorithm = options.KeyAlgorithm });
            new CertificateFilePair(ServerCert, ServerKey).Write(issued.CertificatePem, issued.PrivateKeyPem);
            output.WriteLine($"  {(serverExists ? "replaced " : "created  ")} data/tls.crt, data/tls.key ({KeyAlgorithms.ToFlag(options.KeyAlgorithm)}, SAN *.{domain} and {domain}, 90 days)");
            output.WriteLine("            " + ProxyKeyAccess.Apply(ServerKey, environment.RunningAsRoot));
            return true;
        }
    }
}
