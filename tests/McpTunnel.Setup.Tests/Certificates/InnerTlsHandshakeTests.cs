using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using McpTunnel.Setup.Outputs;
using McpTunnel.Setup.Tests.Support;

namespace McpTunnel.Setup.Tests.Certificates;

/// <summary>
/// The files setup writes serve a real TLS handshake for any route under the tunnel domain, verified the
/// way Anthropic's edge does: against the registered CA alone, by the route's host name.
/// </summary>
public sealed class InnerTlsHandshakeTests
{
    [Theory]
    [InlineData("ecdsa-p256")]
    [InlineData("rsa4096")]
    public async Task WrittenCertificate_ServesHandshakeForARouteVerifiedAgainstTheCaOnly(string keyType)
    {
        await using var setup = await SetupHarness.StartAsync();
        Assert.Equal(0, (await setup.InitAsync($"--key-type={keyType}")).ExitCode);
        var route = "mcp-files." + setup.Read(OutputKeys.TunnelDomain);

        var (protocol, subject) = await HandshakeAsync(setup, route);

        Assert.True(protocol >= SslProtocols.Tls12);
        Assert.Contains(setup.Read(OutputKeys.TunnelDomain), subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrittenCertificate_IsRefusedForAHostOutsideTheTunnelDomain()
    {
        await using var setup = await SetupHarness.StartInitializedAsync();

        await Assert.ThrowsAsync<AuthenticationException>(() => HandshakeAsync(setup, "mcp-files.other.tunnel.anthropic.com"));
    }

    private static async Task<(SslProtocols Protocol, string Subject)> HandshakeAsync(SetupHarness setup, string host)
    {
        using var serverCertificate = X509Certificate2.CreateFromPem(setup.Read(OutputKeys.ServerCertificate), setup.Read(OutputKeys.ServerKey));
        using var ca = X509Certificate2.CreateFromPem(setup.Read(OutputKeys.CaCertificate));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var serverTask = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(accepted.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = serverCertificate });
            }
            catch (Exception exception) when (exception is AuthenticationException or IOException)
            {
                // The client refused us: that is the outcome some tests expect.
            }
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var clientTls = new SslStream(client.GetStream());
        try
        {
            await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            });
            return (clientTls.SslProtocol, clientTls.RemoteCertificate!.Subject);
        }
        finally
        {
            client.Close();
            await serverTask;
        }
    }
}
