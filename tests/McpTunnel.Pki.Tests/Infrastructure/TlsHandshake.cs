using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace McpTunnel.Pki.Tests.Infrastructure;

/// <summary>
/// A real TLS handshake over a loopback socket: the server presents the issued certificate, the client
/// trusts only the given CA (as the edge and Anthropic do) and verifies the host name.
/// </summary>
public static class TlsHandshake
{
    public static async Task RunAsync(X509Certificate2 serverCertificate, X509Certificate2 trustedCa, string host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var serverTask = ServeOneAsync(listener, serverCertificate, timeout.Token);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        await using var tls = new SslStream(client.GetStream());
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(trustedCa);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions { TargetHost = host, CertificateChainPolicy = policy }, timeout.Token);
            var buffer = new byte[4];
            await tls.ReadExactlyAsync(buffer, timeout.Token);
            Assert.Equal("pong"u8.ToArray(), buffer);
        }
        finally
        {
            client.Close();
            await Task.WhenAny(serverTask); // the server side fails too when the client rejects it
        }
    }

    private static async Task ServeOneAsync(TcpListener listener, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        using var socket = await listener.AcceptTcpClientAsync(cancellationToken);
        await using var tls = new SslStream(socket.GetStream());
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken);
        await tls.WriteAsync("pong"u8.ToArray(), cancellationToken);
        await tls.FlushAsync(cancellationToken);
    }
}
