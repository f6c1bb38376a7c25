using System.Net;
using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Tls;

/// <summary>Hot reload: the certificate is reloaded without a restart; a broken pair keeps the last good one.</summary>
public sealed class CertificateReloadTests
{
    private static async Task<string> ServedFingerprintAsync(TestProxy proxy)
    {
        await using var tls = await proxy.OpenTlsAsync();
        return tls.RemoteCertificate!.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
    }

    [Fact]
    public async Task NewPairOnDisk_IsServedToNewHandshakes_WithoutRestart()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var before = await ServedFingerprintAsync(proxy);

        var renewed = proxy.Pki.Issue(new ServerCertificateRequest(proxy.Pki.TunnelDomain));
        proxy.Pki.WriteServer(renewed);
        Assert.True(proxy.Server.Certificates.Poll());

        var after = await ServedFingerprintAsync(proxy);
        Assert.NotEqual(before, after);
        Assert.Equal(renewed.ToX509Certificate2().GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), after);
        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("echo", "/echo"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("half-written")]
    [InlineData("mismatched-key")]
    public async Task BrokenPairOnDisk_KeepsServingTheLastGoodOne_AndWarns(string breakage)
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var before = await ServedFingerprintAsync(proxy);
        var other = proxy.Pki.Issue(new ServerCertificateRequest(proxy.Pki.TunnelDomain));

        switch (breakage)
        {
            case "garbage":
                await File.WriteAllTextAsync(proxy.Pki.CertFile, "not a certificate");
                break;
            case "half-written":
                await File.WriteAllTextAsync(proxy.Pki.CertFile, other.CertificatePem[..(other.CertificatePem.Length / 2)]);
                break;
            default:
                await File.WriteAllTextAsync(proxy.Pki.CertFile, other.CertificatePem); // new cert, old key
                break;
        }

        Assert.False(proxy.Server.Certificates.Poll());

        Assert.Equal(before, await ServedFingerprintAsync(proxy));
        Assert.True(proxy.Logs.Contains("certificate reload failed, keeping the previous certificate"));
    }
}
