using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Tests.Tls;

/// <summary>
/// The memory BIOs between SslStream and OpenSSL keep the largest buffer they ever needed; OpenSslBioBuffers gives it
/// back on the runtime we ship (a .NET or OpenSSL update that changes how SslStream talks to OpenSSL is noticed here),
/// and TLS keeps working both ways afterwards.
/// </summary>
public sealed class OpenSslBioBuffersTests
{
    [Fact]
    public async Task AfterTheHandshake_TheHandshakeBuffersAreGivenBack_AndTrafficStillFlows()
    {
        await using var pair = await TlsPair.OpenAsync();

        var freed = OpenSslBioBuffers.TryRelease(pair.Server);

        Assert.InRange(freed, 1, 16 * 1024); // the ClientHello and the server's flight
        Assert.Equal(0, OpenSslBioBuffers.TryRelease(pair.Server)); // nothing left to give back
        await pair.ExchangeAsync(20_000);
    }

    [Fact]
    public async Task AfterALargeResponse_TheGrownOutputBufferIsGivenBack_OnlyAboveTheMinimum_AndTrafficStillFlows()
    {
        await using var pair = await TlsPair.OpenAsync();
        OpenSslBioBuffers.TryRelease(pair.Server);
        await pair.ExchangeAsync(100);
        Assert.Equal(0, OpenSslBioBuffers.TryRelease(pair.Server, minimumCapacity: 4096)); // small records: kept

        await pair.ExchangeAsync(64 * 1024);
        var freed = OpenSslBioBuffers.TryRelease(pair.Server, minimumCapacity: 4096);

        Assert.True(freed > 16 * 1024, $"freed {freed} bytes after a 64 KB response");
        Assert.Equal(0, OpenSslBioBuffers.TryRelease(pair.Server, minimumCapacity: 4096));
        for (var round = 0; round < 3; round++)
        {
            await pair.ExchangeAsync(64 * 1024);
            Assert.True(OpenSslBioBuffers.TryRelease(pair.Server, minimumCapacity: 4096) > 16 * 1024);
        }
    }

    /// <summary>A server SslStream (whose BIOs are released) and a client on loopback sockets.</summary>
    private sealed class TlsPair(CertificateAuthority ca, TcpListener listener, TcpClient client, TcpClient accepted, SslStream server, SslStream tls) : IAsyncDisposable
    {
        public SslStream Server { get; } = server;

        public static async Task<TlsPair> OpenAsync()
        {
            var ca = CertificateAuthority.Create();
            var issued = ca.IssueServerCertificate(new ServerCertificateRequest("bio.test"));
            var certificate = issued.ToX509Certificate2();
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            var accepted = await listener.AcceptTcpClientAsync();
            var server = new SslStream(accepted.GetStream());
            var tls = new SslStream(client.GetStream(), false, (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString());
            await Task.WhenAll(
                server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
                tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "bio.test" }));
            return new TlsPair(ca, listener, client, accepted, server, tls);
        }

        /// <summary>A request of 200 bytes, then a response of <paramref name="responseBytes"/>; both checked byte for byte.</summary>
        public async Task ExchangeAsync(int responseBytes)
        {
            var request = new byte[200];
            Random.Shared.NextBytes(request);
            await tls.WriteAsync(request);
            var received = new byte[request.Length];
            await Server.ReadExactlyAsync(received);
            Assert.Equal(request, received);

            var response = new byte[responseBytes];
            Random.Shared.NextBytes(response);
            await Server.WriteAsync(response);
            var echo = new byte[responseBytes];
            await tls.ReadExactlyAsync(echo);
            Assert.Equal(response, echo);
        }

        public async ValueTask DisposeAsync()
        {
            await tls.DisposeAsync();
            await Server.DisposeAsync();
            accepted.Dispose();
            client.Dispose();
            listener.Dispose();
            ca.Dispose();
        }
    }
}
