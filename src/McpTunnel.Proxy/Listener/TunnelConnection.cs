using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using McpTunnel.Proxy.Logging;
using McpTunnel.Proxy.Tls;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// One tunnel as Kestrel sees it: a connection whose transport is the decrypted inner TLS stream.
/// The TLS features are set here, so Kestrel selects HTTP/2 or HTTP/1.1 from the ALPN result exactly as it
/// does for its own HTTPS endpoints.
/// Like Kestrel's socket transport, a receive pump reads the stream all the time (not only when Kestrel asks),
/// so a peer that goes away is noticed at once: <see cref="ConnectionContext.ConnectionClosed"/> fires and the
/// in-flight request is aborted, which cancels its upstream request. A send pump drains Kestrel's output.
/// <code>
///   How a tunnel ends (the order matters; each step is where it is for a reason):
///   1. Kestrel is done with the connection ─▶ DisposeAsync: complete the inbound reader and the outbound writer
///   2. await the send pump            everything Kestrel wrote (a last response, a GOAWAY) leaves before the close
///   3. signal Completed               TunnelAcceptor sends our close frame (WebSocketServerStream.CloseOutputAsync)
///   4. wait for the peer's close      the receive pump ends on it (at most 2 s: a peer that never answers must not
///                                     hold the tunnel)
///   5. dispose the SslStream          only now: earlier, a pump could still be inside a TLS read or write
///   6. the outer connection returns   Kestrel closes the socket with a FIN (never Abort after a clean close: a reset)
///   If the peer closes first, its close is echoed at once (step 3 is then a no-op) and steps 1-6 follow.
/// </code>
/// Three writers share the WebSocket's one output (this send pump, control frames, keep-alive pings); the WebSocket
/// serialises them. Fields read across threads here: <c>_disposed</c> (Interlocked) and the cancellation sources.
/// </summary>
internal sealed class TunnelConnection : ConnectionContext,
    ITlsConnectionFeature, ITlsApplicationProtocolFeature, ITlsHandshakeFeature
{
    /// <summary>Records this large or larger leave OpenSSL's memory BIOs grown (<see cref="OpenSslBioBuffers"/>).</summary>
    private const int GrownBioBufferSize = 4 * 1024;

    /// <summary>One set for every tunnel's two pipes; the thresholds bound how much one tunnel buffers in each direction (backpressure beyond them).</summary>
    private static readonly PipeOptions PipeSettings = new(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false);

    private readonly SslStream _ssl;
    private readonly WebSocketServerStream _tunnel;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Pipe _inbound;
    private readonly Pipe _outbound;
    private readonly Task _receiving;
    private readonly Task _sending;
    private IDictionary<object, object?>? _items;
    private int _disposed;
    private int _bioBuffersGrown; // set by either pump after a large record; cleared by the send pump once given back

    public TunnelConnection(SslStream ssl, WebSocketServerStream tunnel, IPEndPoint? remote, EndPoint local, string serverName, ILogger logger)
    {
        _ssl = ssl;
        _tunnel = tunnel;
        _logger = logger;
        RemoteEndPoint = remote;
        LocalEndPoint = local;
        ConnectionId = $"tnl-{Guid.NewGuid():N}"[..16];
        _inbound = new Pipe(PipeSettings);
        _outbound = new Pipe(PipeSettings);
        Transport = new DuplexPipe(_inbound.Reader, _outbound.Writer);
        HostName = serverName;

        Features.Set<ITlsConnectionFeature>(this);
        Features.Set<ITlsApplicationProtocolFeature>(this);
        Features.Set<ITlsHandshakeFeature>(this);
        Features.Set(new TunnelConnectionFeature(remote?.Address, serverName));
        ConnectionClosed = _closed.Token;
        _receiving = ReceiveAsync();
        _sending = SendAsync();
    }

    /// <summary>Completes when Kestrel is done with the connection.</summary>
    public Task Completed => _completed.Task;

    /// <summary>Why the receive pump stopped, when it was an error (e.g. a TLS alert the client sent after the handshake).</summary>
    public Exception? ReceiveError { get; private set; }

    /// <summary>Completes when the receive pump has stopped (peer closed, or the socket was disposed).</summary>
    public Task Receiving => _receiving;

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    // Made on first use: nothing on the tunnel path asks for it, and 10k idle tunnels would each hold an empty dictionary.
    public override IDictionary<object, object?> Items { get => _items ??= new ConnectionItems(); set => _items = value; }

    public override IDuplexPipe Transport { get; set; }

    // ITlsConnectionFeature: the inner session never asks for a client certificate (Anthropic presents none; only the proxy is verified).
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
        _tunnel.Abort();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _inbound.Reader.CompleteAsync();
        await _outbound.Writer.CompleteAsync();
        await _sending; // everything Kestrel wrote leaves before the close frame
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        // The WebSocket owner now sends the close frame; the receive pump ends when the peer answers or the socket goes.
        _completed.TrySetResult();
        await base.DisposeAsync();
    }

    private async Task ReceiveAsync()
    {
        await Task.Yield();
        var writer = _inbound.Writer;
        try
        {
            await ReleaseHandshakeBufferAsync();
            while (true)
            {
                // Wait for data without a buffer (as Kestrel's socket transport does): an idle tunnel then holds
                // neither a pipe segment nor SslStream's read buffer, which is most of its memory.
                _ = await _ssl.ReadAsync(Memory<byte>.Empty);
                var memory = writer.GetMemory(8 * 1024);
                var read = await _ssl.ReadAsync(memory);
                if (read == 0)
                {
                    break;
                }

                if (read >= GrownBioBufferSize)
                {
                    Volatile.Write(ref _bioBuffersGrown, 1);
                }

                writer.Advance(read);
                var flush = await writer.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }

            await writer.CompleteAsync();
        }
        catch (Exception ex)
        {
            ReceiveError = ex;
            if (!IsPeerOrShutdown(ex))
            {
                ProxyLog.TunnelPumpFailed(_logger, ex, "receive", ex.GetType().Name);
            }

            // Kestrel sees the peer's going as a plain end of input; a TLS alert or anything else as the error it is.
            await writer.CompleteAsync(ex is IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException or OperationCanceledException ? null : ex);
        }
        finally
        {
            // The peer is gone (or sent close): tell Kestrel so in-flight requests are aborted now, not at the next read.
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// SslStream keeps the read buffer it rented for the handshake (8 KB) until its first read completes, which for a
    /// tunnel that stays idle is never. A zero-byte read with an already-cancelled token runs SslStream's read path far
    /// enough to return that buffer (the cancellation surfaces from our stream's pipe read, before anything is read),
    /// and leaves the stream as it was. Measured with SslStream pairs: managed memory per idle pair 22.9 KB → 6.8 KB.
    /// </summary>
    private async ValueTask ReleaseHandshakeBufferAsync()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        try
        {
            _ = await _ssl.ReadAsync(Memory<byte>.Empty, cancelled.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Gives back the TLS memory BIOs' buffers a large record grew (up to ~43 KB per tunnel for the rest of its life
    /// otherwise). Only from the send pump between writes, and only while the receive side is parked in the WebSocket
    /// stream, so no read or write of the TLS session runs meanwhile; when the reader is busy, the next idle moment tries again.
    /// </summary>
    private void ReleaseGrownBioBuffers()
    {
        if (!_tunnel.TryPauseReader())
        {
            return;
        }

        try
        {
            OpenSslBioBuffers.TryRelease(_ssl, GrownBioBufferSize);
            Volatile.Write(ref _bioBuffersGrown, 0);
        }
        finally
        {
            _tunnel.ResumeReader();
        }
    }

    private async Task SendAsync()
    {
        await Task.Yield();
        var reader = _outbound.Reader;
        var firstHttp2Frame = _ssl.NegotiatedApplicationProtocol == SslApplicationProtocol.Http2;
        try
        {
            while (true)
            {
                var grown = Volatile.Read(ref _bioBuffersGrown) != 0;
                if (!grown || !reader.TryRead(out var result))
                {
                    if (grown)
                    {
                        // Nothing more to send for now: the moment to give back the TLS buffers a large record grew.
                        ReleaseGrownBioBuffers();
                    }

                    result = await reader.ReadAsync();
                }

                var buffer = result.Buffer;
                if (buffer.Length >= GrownBioBufferSize)
                {
                    Volatile.Write(ref _bioBuffersGrown, 1);
                }

                if (firstHttp2Frame)
                {
                    switch (Http2SettingsFilter.TryRewrite(buffer, out var consumed, out var frame))
                    {
                        case Http2SettingsFilter.Result.NeedMore when !result.IsCompleted:
                            reader.AdvanceTo(buffer.Start, buffer.End);
                            continue;
                        case Http2SettingsFilter.Result.Rewritten:
                            await _ssl.WriteAsync(frame);
                            buffer = buffer.Slice(consumed);
                            break;
                    }

                    firstHttp2Frame = false;
                }

                await WriteCoalescedAsync(buffer);

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await reader.CompleteAsync();
        }
        catch (Exception ex)
        {
            if (!IsPeerOrShutdown(ex))
            {
                ProxyLog.TunnelPumpFailed(_logger, ex, "send", ex.GetType().Name);
            }

            await reader.CompleteAsync(ex);
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// What ends a pump in the normal course of a tunnel: the peer went or broke the framing (I/O and WebSocket errors,
    /// a TLS alert after the handshake), or the connection was aborted or disposed. Anything else is a bug and is
    /// logged at Error, as Kestrel's socket transport does for its pumps.
    /// </summary>
    private static bool IsPeerOrShutdown(Exception exception) =>
        exception is IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException or OperationCanceledException
            or System.Security.Authentication.AuthenticationException;

    /// <summary>Small multi-segment writes go out as one TLS record and one WebSocket message, not one per segment.</summary>
    private async ValueTask WriteCoalescedAsync(System.Buffers.ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await _ssl.WriteAsync(buffer.First);
            return;
        }

        if (buffer.Length <= 16 * 1024)
        {
            var rented = System.Buffers.ArrayPool<byte>.Shared.Rent((int)buffer.Length);
            try
            {
                System.Buffers.BuffersExtensions.CopyTo(buffer, rented);
                await _ssl.WriteAsync(rented.AsMemory(0, (int)buffer.Length));
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }

            return;
        }

        foreach (var segment in buffer)
        {
            await _ssl.WriteAsync(segment);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
