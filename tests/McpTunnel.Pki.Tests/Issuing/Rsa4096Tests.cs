using McpTunnel.Pki.Issuing;
using McpTunnel.Pki.Rules;
using McpTunnel.Pki.Tests.Infrastructure;

namespace McpTunnel.Pki.Tests.Issuing;

/// <summary>The RSA-4096 server certificate the docs say setup generates; generating the key is slow, so it is made once.</summary>
public class Rsa4096Tests
{
    private const string Domain = "abcd1234.tunnel.example.com";

    [Fact]
    public async Task Rsa4096Server_PassesEveryRuleAndHandshakes()
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest(Domain) { KeyAlgorithm = KeyAlgorithm.Rsa4096 });

        var report = CertificateChecker.CheckServer(issued.CertificatePem, ca.CertificatePem, Domain);

        RuleAssert.AssertPassesAll(report, RuleAssert.AllServer);
        Assert.Equal("RSA 4096 bits", RuleAssert.Detail(report, "server.key-strength"));
        RuleAssert.AssertPassesAll(CertificateChecker.CheckCa(ca.CertificatePem), RuleAssert.AllCa);
        using var certificate = issued.ToX509Certificate2();
        await TlsHandshake.RunAsync(certificate, ca.Certificate, "echo." + Domain);
    }
}
