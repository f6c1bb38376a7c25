using System.Security.Authentication;
using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Tests.Infrastructure;

namespace McpTunnel.Pki.Tests;

public class TlsHandshakeTests
{
    private const string Domain = "abcd1234.tunnel.example.com";

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.EcdsaP256, KeyAlgorithm.Rsa2048)]
    [InlineData(KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa2048)]
    internal async Task Handshake_IssuedCertificateTrustingOnlyCa_Succeeds(KeyAlgorithm caKey, KeyAlgorithm serverKey)
    {
        using var ca = CertificateAuthority.Create(new CertificateAuthorityRequest { KeyAlgorithm = caKey });
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { KeyAlgorithm = serverKey });
        using var serverCertificate = issued.ToX509Certificate2();

        Assert.True(serverCertificate.HasPrivateKey);
        await TlsHandshake.RunAsync(serverCertificate, ca.Certificate, "echo." + Domain);
    }

    [Fact]
    public async Task Handshake_BareTunnelDomain_Succeeds()
    {
        using var ca = CertificateAuthority.Create();
        using var serverCertificate = ca.IssueServerCertificate(new ServerCertificateRequest(Domain)).ToX509Certificate2();
        await TlsHandshake.RunAsync(serverCertificate, ca.Certificate, Domain);
    }

    [Fact]
    public async Task Handshake_ClientTrustsAnotherCa_IsRejected()
    {
        using var ca = CertificateAuthority.Create();
        using var other = CertificateAuthority.Create();
        using var serverCertificate = ca.IssueServerCertificate(new ServerCertificateRequest(Domain)).ToX509Certificate2();

        await Assert.ThrowsAsync<AuthenticationException>(() => TlsHandshake.RunAsync(serverCertificate, other.Certificate, "echo." + Domain));
    }

    [Fact]
    public async Task Handshake_HostTwoLabelsDeep_IsRejected()
    {
        using var ca = CertificateAuthority.Create();
        using var serverCertificate = ca.IssueServerCertificate(new ServerCertificateRequest(Domain)).ToX509Certificate2();

        await Assert.ThrowsAsync<AuthenticationException>(() => TlsHandshake.RunAsync(serverCertificate, ca.Certificate, "a.echo." + Domain));
    }
}
