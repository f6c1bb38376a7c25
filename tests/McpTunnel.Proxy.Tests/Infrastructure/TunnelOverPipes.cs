using System.IO.Pipelines;
using System.Net.Security;
using System.Net.WebSockets;
using McpTunnel.Common.Streams;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Listener;
using McpTunnel.Proxy.Tls;
using McpTunnel.TunnelClient;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// One tunnel without a socket: the proxy's WebSocket server stream and a real .NET client WebSocket on the two ends of
/// a pair of pipes, a certificate store from <see cref="TestPki"/>, and a fake clock for the deadlines and keep-alive.
/// </summary>
internal sealed class TunnelOverPipes : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly Pipe _clientToServer = new();
    private readonly Pipe _serverToClient = new();

    public TunnelOverPipes()
    {
        Certificates = CertificateStore.Load(new TlsSettings(Pki.CertFile, Pki.KeyFile), NullLogger.Instance, Clock);
        Server = new WebSocketServerStream(_clientToServer.Reader, _serverToClient.Writer, () => { }, TimeSpan.FromHours(1), TimeSpan.FromHours(1), Clock);
        Client = WebSocket.CreateFromStream(new PipeEnds(_serverToClient.Reader, _clientToServer.Writer), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
    }

    public TestPki Pki { get; } = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public CertificateStore Certificates { get; }

    public WebSocketServerStream Server { get; }

    public WebSocket Client { get; }

    public InnerTlsHandshake Stage(TimeSpan? deadline = null) => new(Certificates, deadline ?? TimeSpan.FromSeconds(10), Clock);

    /// <summary>Runs the stage against a client that trusts the test CA and offers h2 and http/1.1; returns both ends.</summary>
    public async Task<(TunnelHandshakeResult Server, SslStream Client)> OpenAsync(string serverName)
    {
        var handshake = Stage().RunAsync(Server, CancellationToken.None);
        var client = new SslStream(new WebSocketTunnelStream(Client));
        await client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = new TunnelServerValidator(Pki.TrustedCas).Validate,
        }).WaitAsync(Wait);
        return (await handshake.WaitAsync(Wait), client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Certificates.Dispose();
        Pki.Dispose();
    }

    /// <summary>The client's end of the two pipes as one stream: what a socket would be.</summary>
    private sealed class PipeEnds(PipeReader input, PipeWriter output) : DuplexStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var result = await input.ReadAsync(cancellationToken);
            var count = (int)Math.Min(buffer.Length, result.Buffer.Length);
            System.Buffers.BuffersExtensions.CopyTo(result.Buffer.Slice(0, count), buffer.Span);
            input.AdvanceTo(result.Buffer.GetPosition(count));
            return count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await output.WriteAsync(buffer, cancellationToken);
    }
}
