using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using McpTunnel.Common.Streams;
using McpTunnel.Proxy.Listener.Framing;
using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// The server end of an RFC 6455 WebSocket, framed directly on the outer connection's pipes and presented as the
/// byte stream the inner TLS session runs over: binary messages are concatenated, their boundaries mean nothing; a
/// text message is a protocol error and closes the tunnel with 1003.
/// Payload bytes are unmasked from the connection's input pipe straight into the caller's buffer, and each write
/// becomes one frame in the output pipe: no per-tunnel WebSocket object, receive buffer or upgraded-body stream
/// sits between the socket and TLS (docs/ARCHITECTURE.md). The framing rules live in <c>Framing/</c>; this type is
/// the read state machine and the one place the three writers meet.
/// <code>
///   writers on the one output pipe (serialised by the write lock):
///     SslStream's data writes ─┐
///     control frames (pong, close echo, our close) ─┼─▶ WebSocketFrameWriter ─▶ output pipe ─▶ socket
///     keep-alive pings (skipped while a write holds the lock) ─┘
///   reader (SslStream's one read at a time): header ─▶ control frame? handle : payload ─▶ unmask into the caller's buffer
/// </code>
/// Fields read across threads: the keep-alive's timestamps (Volatile), <c>_closeSent</c> and <c>_closeReceived</c>
/// (Interlocked/Volatile); the receive state is the single reader's own.
/// </summary>
internal sealed class WebSocketServerStream : DuplexStream, ITlsCarrier
{
    private const int ReaderRunning = 0;
    private const int ReaderParked = 1;
    private const int ReaderPaused = 2;

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action _abortConnection;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly WebSocketKeepAlive _keepAlive;

    // Receive state: only the single reader touches these.
    private long _payloadRemaining;
    private uint _mask;
    private int _maskOffset;
    private bool _inFragmentedMessage; // a binary message's first frame was not final: continuations must follow
    private bool _receiveDone;

    // ReaderRunning, ReaderParked (waiting for the connection's input) or ReaderPaused (held parked by TryPauseReader).
    private int _readerState;

    private long _payloadReceived;
    private long _payloadSent;
    private int _closeReceived;
    private int _closeSent;

    public WebSocketServerStream(PipeReader input, PipeWriter output, Action abortConnection, TimeSpan pingInterval, TimeSpan pingTimeout, TimeProvider? time = null)
    {
        _input = input;
        _output = output;
        _abortConnection = abortConnection;
        _keepAlive = new WebSocketKeepAlive(pingInterval, pingTimeout, time ?? TimeProvider.System, TrySendPing, CutUnresponsivePeer);
    }

    /// <summary>Set when the peer sent a text message; the tunnel was closed with 1003.</summary>
    public bool RejectedTextMessage { get; private set; }

    /// <summary>Set when the peer broke the framing rules; the tunnel was closed with 1002.</summary>
    public string? ProtocolError { get; private set; }

    /// <summary>Set when the peer stopped answering pings (or reading) and the connection was cut.</summary>
    public bool PeerUnresponsive { get; private set; }

    /// <summary>Binary payload bytes received so far (zero: the peer never started TLS).</summary>
    public long PayloadBytesReceived => Interlocked.Read(ref _payloadReceived);

    /// <summary>Payload bytes sent in binary messages so far (the metrics read it at scrape time).</summary>
    public long PayloadBytesSent => Interlocked.Read(ref _payloadSent);

    /// <summary>
    /// Holds the reader while it waits for input, so that the caller may touch the TLS session's read side (nothing of it
    /// runs until <see cref="ResumeReader"/>); false when the reader is not waiting (it is handing bytes up or gone).
    /// </summary>
    public bool TryPauseReader() => Interlocked.CompareExchange(ref _readerState, ReaderPaused, ReaderParked) == ReaderParked;

    /// <summary>Ends a <see cref="TryPauseReader"/> that returned true.</summary>
    public void ResumeReader() => Volatile.Write(ref _readerState, ReaderParked);

    /// <summary>Starts the keep-alive pings and dead-peer detection (<see cref="WebSocketKeepAlive"/>).</summary>
    public void StartKeepAlive() => _keepAlive.Start();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!_receiveDone)
        {
            ReadResult result;
            try
            {
                var pending = _input.ReadAsync(cancellationToken);
                if (pending.IsCompleted)
                {
                    result = await pending;
                }
                else
                {
                    // Parked: the TLS session above is not inside OpenSSL on the read side until this returns, so the
                    // send pump may give back its idle BIO buffers meanwhile (TryPauseReader).
                    Volatile.Write(ref _readerState, ReaderParked);
                    try
                    {
                        result = await pending;
                    }
                    finally
                    {
                        Unpark();
                    }
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Aborted or reset underneath us (Kestrel surfaces that as ConnectionAbortedException/ResetException).
                _receiveDone = true;
                throw PeerUnresponsive
                    ? new IOException("the peer stopped answering WebSocket pings", ex)
                    : ex as IOException ?? new IOException($"the connection was closed: {ex.Message}", ex);
            }

            var data = result.Buffer;
            if (_payloadRemaining > 0 && !data.IsEmpty)
            {
                if (buffer.IsEmpty)
                {
                    // A zero-byte read (SslStream issues one for an idle tunnel so that it holds no buffer while it
                    // waits) completes once payload is here; nothing is consumed or marked examined.
                    _input.AdvanceTo(data.Start);
                    return 0;
                }

                var count = (int)Math.Min(Math.Min(_payloadRemaining, data.Length), buffer.Length);
                var payload = data.Slice(0, count);
                payload.CopyTo(buffer.Span);
                _maskOffset = WebSocketMasking.Unmask(buffer.Span[..count], _mask, _maskOffset);
                _payloadRemaining -= count;
                Interlocked.Add(ref _payloadReceived, count);
                _input.AdvanceTo(payload.End);
                return count;
            }

            if (_payloadRemaining == 0 && !data.IsEmpty)
            {
                var frame = WebSocketFrameHeaderReader.TryRead(data, out var header, out var headerError);
                if (frame == WebSocketFrameHeaderReader.Result.Error)
                {
                    _input.AdvanceTo(data.End);
                    throw await ProtocolViolationAsync(WebSocketCloseStatus.ProtocolError, headerError!);
                }

                if (frame == WebSocketFrameHeaderReader.Result.Complete)
                {
                    _keepAlive.FrameReceived();
                    if (header.IsControl)
                    {
                        if (data.Length >= header.HeaderLength + header.PayloadLength)
                        {
                            var control = data.Slice(header.HeaderLength, header.PayloadLength);
                            var payload = control.ToArray(); // at most 125 bytes, and control frames are rare
                            WebSocketMasking.Unmask(payload, header.Mask, 0);
                            _input.AdvanceTo(control.End);
                            await HandleControlFrameAsync(header.Opcode, payload);
                            continue;
                        }
                    }
                    else if (header.Opcode == WebSocketOpcode.Text)
                    {
                        _input.AdvanceTo(data.End);
                        RejectedTextMessage = true;
                        await FailAsync(WebSocketCloseStatus.InvalidMessageType, "binary messages only");
                        throw new IOException("the peer sent a text WebSocket message; tunnels carry binary messages only");
                    }
                    else
                    {
                        // Binary and continuation frames are all payload (text never gets as far as a continuation),
                        // but they must still come in order (RFC 6455 section 5.4).
                        var sequenceError = header.Opcode == WebSocketOpcode.Continuation
                            ? _inFragmentedMessage ? null : "continuation frame without a message to continue"
                            : _inFragmentedMessage ? "new message before the fragmented one ended" : null;
                        if (sequenceError is not null)
                        {
                            _input.AdvanceTo(data.End);
                            throw await ProtocolViolationAsync(WebSocketCloseStatus.ProtocolError, sequenceError);
                        }

                        _inFragmentedMessage = !header.Final;
                        _payloadRemaining = header.PayloadLength;
                        _mask = header.Mask;
                        _maskOffset = 0;
                        _input.AdvanceTo(data.Slice(header.HeaderLength).Start);
                        continue;
                    }
                }
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                // The peer closed the TCP connection without a close frame (or the connection was aborted).
                _input.AdvanceTo(data.End);
                _receiveDone = true;
                return 0;
            }

            _input.AdvanceTo(data.Start, data.End); // need more bytes
        }

        return 0;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _closeSent) != 0)
            {
                throw new IOException("the WebSocket is closing; no more data can be sent");
            }

            WebSocketFrameWriter.Write(_output, WebSocketOpcode.Binary, buffer.Span);
            Interlocked.Add(ref _payloadSent, buffer.Length);
            var flush = await FlushTrackedAsync(cancellationToken);
            if (flush.IsCompleted)
            {
                throw new IOException("the connection is closed");
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends a close frame once, without waiting for the peer's (a peer that never answers must not hold us).</summary>
    public async Task CloseOutputAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _closeSent, 1) == 1)
        {
            return;
        }

        try
        {
            await _writeLock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            WebSocketFrameWriter.Write(_output, WebSocketOpcode.Close, WebSocketCloseRules.Payload(status, description));
            await FlushTrackedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // The peer is gone; there is nobody left to tell.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Cuts the connection at once (no close frame), unless the close handshake is already complete: then the
    /// connection ends with a FIN when its owner returns. Kestrel aborts the inner connection as soon as it sees the
    /// peer's close, and cutting then would answer a clean close with a TCP reset.
    /// </summary>
    public void Abort()
    {
        _receiveDone = true;
        if (Volatile.Read(ref _closeReceived) != 0 && Volatile.Read(ref _closeSent) != 0)
        {
            return;
        }

        _abortConnection();
    }

    public override async ValueTask DisposeAsync()
    {
        await _keepAlive.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _keepAlive.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask HandleControlFrameAsync(WebSocketOpcode opcode, byte[] payload)
    {
        switch (opcode)
        {
            case WebSocketOpcode.Ping:
                await SendControlAsync(WebSocketOpcode.Pong, payload);
                break;
            case WebSocketOpcode.Pong:
                break; // FrameReceived already told the keep-alive the peer is there
            case WebSocketOpcode.Close:
                // Answer with the peer's status (RFC 6455 section 5.5.1), then report end of stream. A malformed close
                // is answered as section 7.4 says.
                _receiveDone = true;
                Volatile.Write(ref _closeReceived, 1);
                if (WebSocketCloseRules.Check(payload) is { } closeError)
                {
                    throw await ProtocolViolationAsync(closeError.Status, closeError.Reason);
                }

                await CloseOutputAsync(WebSocketCloseRules.StatusOf(payload), "", CancellationToken.None);
                break;
        }
    }

    private async ValueTask SendControlAsync(WebSocketOpcode opcode, byte[] payload)
    {
        await _writeLock.WaitAsync();
        try
        {
            if (Volatile.Read(ref _closeSent) == 0)
            {
                WebSocketFrameWriter.Write(_output, opcode, payload);
                await FlushTrackedAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The reader notices a dead connection on its own.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async ValueTask FailAsync(WebSocketCloseStatus status, string reason)
    {
        _receiveDone = true;
        await CloseOutputAsync(status, reason, CancellationToken.None);
    }

    /// <summary>Records the violation, closes with <paramref name="status"/> and returns the exception the read fails with.</summary>
    private async ValueTask<IOException> ProtocolViolationAsync(WebSocketCloseStatus status, string reason)
    {
        ProtocolError = reason;
        await FailAsync(status, reason);
        return new IOException($"WebSocket protocol error: {reason}");
    }

    /// <summary>The keep-alive's ping: sent only when no other write holds the output.</summary>
    private bool TrySendPing()
    {
        if (Volatile.Read(ref _closeSent) != 0 || !_writeLock.Wait(0))
        {
            return false;
        }

        try
        {
            WebSocketFrameWriter.Write(_output, WebSocketOpcode.Ping, []);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The connection's output is already gone (its pipe completed, or the server's memory pool disposed at
            // shutdown): there is nobody to ping, and an exception here, on a timer thread, would end the process.
            _writeLock.Release();
            return false;
        }

        _ = FlushAndReleaseAsync();
        return true;
    }

    /// <summary>Back to running once input is here; waits out a pause the send pump holds (a few native calls).</summary>
    private void Unpark()
    {
        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref _readerState, ReaderRunning, ReaderParked) == ReaderPaused)
        {
            spin.SpinOnce();
        }
    }

    private void CutUnresponsivePeer()
    {
        PeerUnresponsive = true;
        Abort();
    }

    /// <summary>Flushes the output and tells the keep-alive while the flush waits for the peer to read.</summary>
    private async ValueTask<FlushResult> FlushTrackedAsync(CancellationToken cancellationToken)
    {
        var flush = _output.FlushAsync(cancellationToken);
        if (flush.IsCompleted)
        {
            return flush.Result;
        }

        _keepAlive.WriteStarted();
        try
        {
            return await flush;
        }
        finally
        {
            _keepAlive.WriteCompleted();
        }
    }

    private async Task FlushAndReleaseAsync()
    {
        try
        {
            await FlushTrackedAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
