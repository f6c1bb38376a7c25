using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Tests.Tls;

/// <summary>
/// SSL_MODE_RELEASE_BUFFERS and SSL_free_buffers reach the connection's SSL* on the runtime we ship (so a .NET upgrade
/// that moves SslStream's internals is noticed here, not as a silent memory regression), and TLS keeps working with it.
/// </summary>
public sealed class OpenSslIdleBuffersTests
{
    [Fact]
    public Task AfterTheHandshake_ReleaseModeIsSetAndHandshakeBuffersFreed_AndTrafficStillFlowsBothWays()
        => HandshakeThenTrafficAsync(checkIdleFirst: false);

    [Fact]
    public Task OnOpenSslWithoutTheFixInItsVersion_TheIdleChecksPassAfterTheHandshake_AndBuffersAreFreed()
        => HandshakeThenTrafficAsync(checkIdleFirst: true);

    private static async Task HandshakeThenTrafficAsync(bool checkIdleFirst)
    {
        using var ca = CertificateAuthority.Create();
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest("buffers.test"));
        using var serverCertificate = issued.ToX509Certificate2();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        await using var server = new SslStream(accepted.GetStream());
        await using var tls = new SslStream(client.GetStream(), false, (_, presented, _, _) => presented?.GetCertHashString() == serverCertificate.GetCertHashString());

        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = serverCertificate }),
            tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "buffers.test" }));
        var outcome = OpenSslIdleBuffers.TryEnable(server, checkIdleFirst);

        // The CI machine's OpenSSL (Debian 12: 3.0.x with the CVE-2024-4741 fix) allows both; so do the idle checks.
        Assert.Equal(
            OpenSslIdleBuffers.Outcome.ReleaseModeSet | OpenSslIdleBuffers.Outcome.HandshakeBuffersFreed,
            outcome);
        Assert.Null(OpenSslIdleBuffers.UnavailableReason);
        for (var round = 0; round < 3; round++)
        {
            var request = new byte[20_000];
            Random.Shared.NextBytes(request);
            await tls.WriteAsync(request);
            var received = new byte[request.Length];
            await server.ReadExactlyAsync(received);
            Assert.Equal(request, received);
            await server.WriteAsync(received.AsMemory(0, 100));
            var echo = new byte[100];
            await tls.ReadExactlyAsync(echo);
            Assert.Equal(request.AsSpan(0, 100).ToArray(), echo);
        }
    }

    [Theory]
    [InlineData(0x30000130UL, true)]   // 3.0.19 (Debian 12 today)
    [InlineData(0x300000E0UL, true)]   // 3.0.14: first 3.0 with the CVE-2024-4741 fix
    [InlineData(0x300000D0UL, false)]  // 3.0.13
    [InlineData(0x30100050UL, false)]  // 3.1.5
    [InlineData(0x30100060UL, true)]   // 3.1.6
    [InlineData(0x30200010UL, false)]  // 3.2.1
    [InlineData(0x30300010UL, true)]   // 3.3.1
    [InlineData(0x30500000UL, true)]   // 3.5.0
    [InlineData(0x1010117FUL, false)]  // 1.1.1w
    public void FreeBuffers_IsTrustedWithoutIdleChecksOnlyOnOpenSslVersionsWithTheUseAfterFreeFix(ulong versionNumber, bool safe)
    {
        Assert.Equal(safe, OpenSslIdleBuffers.FreeBuffersIsSafe(versionNumber));
    }
}
