using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// One tunnel as Kestrel sees it: a connection whose transport is the decrypted inner TLS stream.
/// The TLS features are set here, so Kestrel selects HTTP/2 or HTTP/1.1 from the ALPN result exactly as it
/// does for its own HTTPS endpoints. Disposal completes both pipe ends and then signals the WebSocket owner,
/// which sends the close frame (DESIGN.md: the disposal trap).
/// </summary>
internal sealed class TunnelConnection : ConnectionContext,
    ITlsConnectionFeature, ITlsApplicationProtocolFeature, ITlsHandshakeFeature
{
    private readonly SslStream _ssl;
    private readonly WebSocketTunnelStream _tunnel;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private int _disposed;

    public TunnelConnection(SslStream ssl, WebSocketTunnelStream tunnel, IPEndPoint? remote, EndPoint local, string serverName)
    {
        _ssl = ssl;
        _tunnel = tunnel;
        RemoteEndPoint = remote;
        LocalEndPoint = local;
        ConnectionId = $"tnl-{Guid.NewGuid():N}"[..16];
        _input = PipeReader.Create(ssl, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(ssl, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        Transport = new DuplexPipe(_input, _output);
        HostName = serverName;

        Features.Set<ITlsConnectionFeature>(this);
        Features.Set<ITlsApplicationProtocolFeature>(this);
        Features.Set<ITlsHandshakeFeature>(this);
        Features.Set(new TunnelConnectionFeature(remote?.Address, serverName));
        ConnectionClosed = _closed.Token;
    }

    /// <summary>Completes when Kestrel is done with the connection.</summary>
    public Task Completed => _completed.Task;

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new ConnectionItems();

    public override IDuplexPipe Transport { get; set; }

    // ITlsConnectionFeature: the inner session never asks for a client certificate (spec item 37).
    public X509Certificate2? ClientCertificate { get => null; set => throw new NotSupportedException(); }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);

    // ITlsApplicationProtocolFeature
    public ReadOnlyMemory<byte> ApplicationProtocol => _ssl.NegotiatedApplicationProtocol.Protocol;

    // ITlsHandshakeFeature
    public System.Security.Authentication.SslProtocols Protocol => _ssl.SslProtocol;

    public TlsCipherSuite? NegotiatedCipherSuite => _ssl.NegotiatedCipherSuite;

    public string HostName { get; }

#pragma warning disable SYSLIB0058 // Obsolete members of ITlsHandshakeFeature; implemented because the interface requires them.
    public System.Security.Authentication.CipherAlgorithmType CipherAlgorithm => _ssl.CipherAlgorithm;

    public int CipherStrength => _ssl.CipherStrength;

    public System.Security.Authentication.HashAlgorithmType HashAlgorithm => _ssl.HashAlgorithm;

    public int HashStrength => _ssl.HashStrength;

    public System.Security.Authentication.ExchangeAlgorithmType KeyExchangeAlgorithm => _ssl.KeyExchangeAlgorithm;

    public int KeyExchangeStrength => _ssl.KeyExchangeStrength;
#pragma warning restore SYSLIB0058

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _closed.Cancel();
        _tunnel.Socket.Abort();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _input.CompleteAsync();
        await _output.CompleteAsync();
        await _ssl.DisposeAsync();
        _closed.Cancel();
        _closed.Dispose();
        _completed.TrySetResult();
        await base.DisposeAsync();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
