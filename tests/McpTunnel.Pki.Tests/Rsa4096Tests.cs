namespace McpTunnel.Pki.Tests;

/// <summary>Spec item 72's RSA-4096 server certificate; generating the key is slow, so it is made once.</summary>
public class Rsa4096Tests
{
    private const string Domain = "abcd1234.tunnel.example.com";

    [Fact]
    public async Task Rsa4096Server_PassesEveryRuleAndHandshakes()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { KeyAlgorithm = KeyAlgorithm.Rsa4096 });

        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);

        Rules.AssertPassesAll(report, Rules.AllServer);
        Assert.Equal("RSA 4096 bits", Rules.Detail(report, "server.key-strength"));
        Rules.AssertPassesAll(CertificateChecker.CheckCa(ca.CertificatePem), Rules.AllCa);
        using var certificate = issued.ToX509Certificate2();
        await TlsHandshake.RunAsync(certificate, ca.Certificate, "echo." + Domain);
    }
}
