using System.Security.Cryptography;
using McpTunnel.Cli.Terminal;
using McpTunnel.Pki.Pem;
using McpTunnel.Pki.Rules;

namespace McpTunnel.Cli.Certs;

/// <summary>
/// <c>mcptunnel certs check</c>: every rule Anthropic applies to the CA and/or the server certificate, with what was
/// found and how to fix it. Exit 0 when every rule passed, 1 on any failure, 2 on a usage error.
/// </summary>
internal sealed record CertsCheckOptions
{
    public string? CaPath { get; init; }

    public string? CertPath { get; init; }

    /// <summary>The server key (tls.key): must be the private half of the certificate, or the proxy refuses the pair.</summary>
    public string? KeyPath { get; init; }

    /// <summary>The tunnel domain: the SAN must cover <c>*.&lt;domain&gt;</c>.</summary>
    public string? Domain { get; init; }

    /// <summary>One full host such as <c>echo.&lt;domain&gt;</c>.</summary>
    public string? Host { get; init; }

    public DateTimeOffset? Now { get; init; }
}

internal static class CertsCheckAction
{
    public static int Run(CertsCheckOptions options, TextWriter output, TextWriter error)
    {
        if (options.CaPath is null && options.CertPath is null)
        {
            error.WriteLine("certs check: give --ca FILE and/or --cert FILE");
            return 2;
        }

        if (options.Domain is not null && options.Host is not null)
        {
            error.WriteLine("certs check: give --domain or --host, not both");
            return 2;
        }

        string? caPem = null;
        var passed = true;
        try
        {
            if (options.CaPath is { } caPath)
            {
                caPem = File.ReadAllText(caPath);
                var report = CertificateChecker.CheckCa(caPem, options.Now);
                CertificateReportWriter.Write(output, $"CA certificate {caPath} (rules for a tunnel CA)", report);
                passed &= report.Passed;
            }

            if (options.CertPath is { } certPath)
            {
                var (name, kind) = options.Host is { } host ? (host, ServerNameKind.Host) : (options.Domain, ServerNameKind.TunnelDomain);
                var report = CertificateChecker.CheckServer(File.ReadAllText(certPath), caPem, name, kind, options.Now);
                CertificateReportWriter.Write(output, $"server certificate {certPath} (rules for a tunnel server certificate){(name is null ? "; no --domain/--host, names not compared" : $" for {name}")}", report);
                if (caPem is null)
                {
                    output.WriteLine("  note: without --ca the signature and AKI=SKI rules cannot be checked against the CA");
                }

                passed &= report.Passed;
                if (options.KeyPath is { } keyPath)
                {
                    passed &= CheckKeyMatches(certPath, keyPath, output);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error.WriteLine($"certs check: {ex.Message}");
            return 1;
        }

        return passed ? 0 : 1;
    }

    private static bool CheckKeyMatches(string certPath, string keyPath, TextWriter output)
    {
        using var certificate = PemBundle.ReadFirstCertificate(File.ReadAllText(certPath), "server certificate");
        using var key = PrivateKeys.Load(File.ReadAllText(keyPath));
        var matches = PrivateKeys.MatchesCertificate(key, certificate);
        output.WriteLine($"server key {keyPath}");
        output.WriteLine($"  {CheckMark.For(matches)}  key.matches-certificate  the key is the private half of {Path.GetFileName(certPath)}");
        if (!matches)
        {
            output.WriteLine("        fix:   tls.crt and tls.key do not belong together (the proxy keeps its last good pair); re-issue both (certs server --force) or renew from this key (certs renew)");
        }

        return matches;
    }
}
