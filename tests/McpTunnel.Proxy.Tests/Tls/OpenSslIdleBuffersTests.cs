using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using McpTunnel.Pki;
using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Tests.Tls;

/// <summary>
/// SSL_MODE_RELEASE_BUFFERS reaches the connection's SSL* on the runtime we ship (so a .NET upgrade that moves
/// SslStream's internals is noticed here, not as a silent memory regression), and TLS keeps working with it.
/// </summary>
public sealed class OpenSslIdleBuffersTests
{
    [Fact]
    public async Task AfterTheHandshake_ReleaseBuffersIsSet_AndTrafficStillFlowsBothWays()
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
        var enabled = OpenSslIdleBuffers.TryEnable(server);

        Assert.True(enabled, OpenSslIdleBuffers.UnavailableReason ?? "SSL_ctrl did not report the mode as set");
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
}
