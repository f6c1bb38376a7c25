using McpTunnel.Pki.Issuing;

namespace McpTunnel.Testing;

/// <summary>
/// A CA and a server certificate for <see cref="Domain"/> (and its subdomains), made by our own PKI code and written to a
/// temp dir: the certificates of every test tunnel stack (<see cref="TestProxyServer"/> serves them), in every test
/// project. Tests break one thing at a time: another domain, another key type, a certificate swapped in place.
/// </summary>
internal sealed class TestPki : IDisposable
{
    public const string Domain = "abcd1234.tunnel.test";

    private readonly CertificateAuthority _ca;

    public TestPki(string? domain = null, KeyAlgorithm keyAlgorithm = KeyAlgorithm.EcdsaP256)
    {
        TunnelDomain = domain ?? Domain;
        Directory = System.IO.Directory.CreateTempSubdirectory("mcptunnel-test-").FullName;
        _ca = CertificateAuthority.Create();
        var server = _ca.IssueServerCertificate(new ServerCertificateRequest(TunnelDomain) { KeyAlgorithm = keyAlgorithm });
        CaFile = Path.Combine(Directory, "ca.crt");
        CertFile = Path.Combine(Directory, "tls.crt");
        KeyFile = Path.Combine(Directory, "tls.key");
        File.WriteAllText(CaFile, _ca.CertificatePem);
        WriteServer(server);
    }

    public string TunnelDomain { get; }

    public string Directory { get; }

    public string CaFile { get; }

    public string CertFile { get; }

    public string KeyFile { get; }

    internal CertificateAuthority Authority => _ca;

    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection TrustedCas =>
        [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(_ca.Certificate.RawData)];

    internal IssuedCertificate Issue(ServerCertificateRequest request) => _ca.IssueServerCertificate(request);

    internal void WriteServer(IssuedCertificate certificate)
    {
        File.WriteAllText(CertFile, certificate.CertificatePem);
        File.WriteAllText(KeyFile, certificate.PrivateKeyPem);
    }

    public void Dispose()
    {
        _ca.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
