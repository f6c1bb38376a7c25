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

    /// <summary>One JSON document (docs/CLI.md) instead of the text report.</summary>
    public bool Json { get; init; }
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

        var checkedFiles = new List<CheckedCertificate>();
        KeyMatch? keyMatch = null;
        string? failure = null;
        try
        {
            string? caPem = null;
            if (options.CaPath is { } caPath)
            {
                caPem = File.ReadAllText(caPath);
                checkedFiles.Add(new CheckedCertificate("ca", caPath, null, CertificateChecker.CheckCa(caPem, options.Now)));
            }

            if (options.CertPath is { } certPath)
            {
                var (name, kind) = options.Host is { } host ? (host, ServerNameKind.Host) : (options.Domain, ServerNameKind.TunnelDomain);
                checkedFiles.Add(new CheckedCertificate("server", certPath, name, CertificateChecker.CheckServer(File.ReadAllText(certPath), caPem, name, kind, options.Now)) { WithoutCa = caPem is null });
                if (options.KeyPath is { } keyPath)
                {
                    keyMatch = new KeyMatch(keyPath, certPath, KeyMatches(certPath, keyPath));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            failure = ex.Message;
        }

        var exit = failure is not null || checkedFiles.Any(c => !c.Report.Passed) || keyMatch is { Matches: false } ? 1 : 0;
        if (options.Json)
        {
            CertsCheckJsonWriter.Write(output, checkedFiles, keyMatch, failure, exit);
            return exit;
        }

        foreach (var file in checkedFiles)
        {
            WriteText(output, file);
        }

        if (keyMatch is { } match)
        {
            output.WriteLine($"server key {match.KeyPath}");
            output.WriteLine($"  {CheckMark.For(match.Matches)}  key.matches-certificate  the key is the private half of {Path.GetFileName(match.CertPath)}");
            if (!match.Matches)
            {
                output.WriteLine("        fix:   tls.crt and tls.key do not belong together (the proxy keeps its last good pair); re-issue both (certs server --force) or renew from this key (certs renew)");
            }
        }

        if (failure is not null)
        {
            error.WriteLine($"certs check: {failure}");
        }

        return exit;
    }

    private static void WriteText(TextWriter output, CheckedCertificate file)
    {
        if (file.Kind == "ca")
        {
            CertificateReportWriter.Write(output, $"CA certificate {file.Path} (rules for a tunnel CA)", file.Report);
            return;
        }

        CertificateReportWriter.Write(output, $"server certificate {file.Path} (rules for a tunnel server certificate){(file.Name is null ? "; no --domain/--host, names not compared" : $" for {file.Name}")}", file.Report);
        if (file.WithoutCa)
        {
            output.WriteLine("  note: without --ca the signature and AKI=SKI rules cannot be checked against the CA");
        }
    }

    private static bool KeyMatches(string certPath, string keyPath)
    {
        using var certificate = PemBundle.ReadFirstCertificate(File.ReadAllText(certPath), "server certificate");
        using var key = PrivateKeys.Load(File.ReadAllText(keyPath));
        return PrivateKeys.MatchesCertificate(key, certificate);
    }
}

/// <summary>One checked file: <c>ca</c> or <c>server</c>, the name its SAN was compared with, and every rule's result.</summary>
internal sealed record CheckedCertificate(string Kind, string Path, string? Name, CertificateCheckReport Report)
{
    /// <summary>A server certificate checked without <c>--ca</c>: the signature and AKI=SKI rules could not run.</summary>
    public bool WithoutCa { get; init; }
}

/// <summary>Whether <c>--key</c> is the private half of <c>--cert</c>.</summary>
internal sealed record KeyMatch(string KeyPath, string CertPath, bool Matches);
