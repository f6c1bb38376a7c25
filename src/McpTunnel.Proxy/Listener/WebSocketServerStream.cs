using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// The server end of an RFC 6455 WebSocket, framed directly on the outer connection's pipes and presented as the
/// byte stream the inner TLS session runs over (spec items 31, 33; OQ1): binary messages are concatenated, their
/// boundaries mean nothing; a text message is a protocol error and closes the tunnel with 1003.
/// Payload bytes are unmasked from the connection's input pipe straight into the caller's buffer, and each write
/// becomes one frame in the output pipe: no per-tunnel WebSocket object, receive buffer or upgraded-body stream
/// sits between the socket and TLS (DESIGN.md "Outer listener"; docs/ARCHITECTURE.md).
/// One reader and one writer may use it concurrently, which is what <see cref="System.Net.Security.SslStream"/> does;
/// control frames (pong, close, keep-alive ping) share the writer under a lock.
/// </summary>
internal sealed class WebSocketServerStream : Stream
{
    private const byte FinalBit = 0x80;
    private const byte ReservedBits = 0x70;
    private const byte MaskBit = 0x80;
    private const int MaxControlPayload = 125;

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action _abortConnection;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeSpan _pingInterval;
    private readonly TimeSpan _pingTimeout;
    private readonly TimeProvider _time;
    private ITimer? _keepAlive;

    // Receive state: only the single reader touches these.
    private long _payloadRemaining;
    private uint _mask; // the frame's masking key as read (first key byte in the lowest byte)
    private int _maskOffset;
    private bool _inFragmentedMessage; // a binary message's first frame was not final: continuations must follow
    private bool _receiveDone;

    // Keep-alive state (TimeProvider timestamps), written by the reader, the writers and the timer; 0 means "none".
    private long _lastReceived;
    private long _pingSent;
    private long _writePendingSince; // a flush into the output has not completed since then (the peer is not reading)
    private long _payloadReceived;
    private int _closeReceived;
    private int _closeSent;

    public WebSocketServerStream(PipeReader input, PipeWriter output, Action abortConnection, TimeSpan pingInterval, TimeSpan pingTimeout, TimeProvider? time = null)
    {
        _input = input;
        _output = output;
        _abortConnection = abortConnection;
        _pingInterval = pingInterval;
        _pingTimeout = pingTimeout;
        _time = time ?? TimeProvider.System;
        _lastReceived = _time.GetTimestamp();
    }

    /// <summary>Binary payload bytes received so far (zero: the peer never started TLS).</summary>
    public long PayloadBytesReceived => Interlocked.Read(ref _payloadReceived);

    /// <summary>Set when the peer sent a text message; the tunnel was closed with 1003.</summary>
    public bool RejectedTextMessage { get; private set; }

    /// <summary>Set when the peer broke the framing rules; the tunnel was closed with 1002.</summary>
    public string? ProtocolError { get; private set; }

    /// <summary>Set when the peer stopped answering pings and the connection was cut (dead-peer detection).</summary>
    public bool PeerUnresponsive { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Starts sending a ping every ping interval; a peer that has sent nothing (not even the pong) within the ping
    /// timeout of a ping is considered gone and its connection is cut. Pings also keep edges from cutting idle tunnels.
    /// A peer that stops reading holds our writes (and so the pings) back: when a write has made no progress and the
    /// peer has sent nothing for ping interval + ping timeout, it is cut too, whatever is pending.
    /// </summary>
    public void StartKeepAlive()
    {
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, Math.Min(_pingInterval.Ticks, _pingTimeout.Ticks) / 2));
        _keepAlive = _time.CreateTimer(static state => ((WebSocketServerStream)state!).OnKeepAliveTick(), this, tick, tick);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!_receiveDone)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(cancellationToken);
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
                _maskOffset = Unmask(buffer.Span[..count], _mask, _maskOffset);
                _payloadRemaining -= count;
                Interlocked.Add(ref _payloadReceived, count);
                _input.AdvanceTo(payload.End);
                return count;
            }

            if (_payloadRemaining == 0 && !data.IsEmpty)
            {
                var frame = TryReadFrameHeader(data, out var header);
                if (frame == FrameRead.Error)
                {
                    _input.AdvanceTo(data.End);
                    throw await ProtocolViolationAsync(WebSocketCloseStatus.ProtocolError, ProtocolError!);
                }

                if (frame == FrameRead.Complete)
                {
                    Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                    if (header.IsControl)
                    {
                        if (data.Length >= header.HeaderLength + header.PayloadLength)
                        {
                            var control = data.Slice(header.HeaderLength, header.PayloadLength);
                            var payload = control.ToArray(); // at most 125 bytes, and control frames are rare
                            Unmask(payload, header.Mask, 0);
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

            WriteFrame(WebSocketOpcode.Binary, buffer.Span);
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
            WriteFrame(WebSocketOpcode.Close, ClosePayload(status, description));
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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_keepAlive is not null)
        {
            await _keepAlive.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _keepAlive?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// XORs <paramref name="data"/> with the 4-byte masking key, starting <paramref name="offset"/> bytes into the
    /// key (a frame's payload may arrive over several reads); returns the offset for the next byte.
    /// </summary>
    internal static int Unmask(Span<byte> data, uint mask, int offset)
    {
        if (data.IsEmpty)
        {
            return offset;
        }

        // Rotate the key so that data[0] lines up with key byte `offset`, then widen it to 64 bits and to a vector
        // (little-endian layout: key byte 0 is the lowest byte of the uint read from the frame).
        var rotated = BitOperations.RotateRight(mask, offset * 8);
        var wide = ((ulong)rotated << 32) | rotated;
        var position = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            var maskVector = Vector.AsVectorByte(new Vector<ulong>(wide));
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            for (var i = 0; i < vectors.Length; i++)
            {
                vectors[i] ^= maskVector;
            }

            position = vectors.Length * Vector<byte>.Count;
        }

        var words = MemoryMarshal.Cast<byte, ulong>(data[position..]);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] ^= wide;
        }

        position += words.Length * sizeof(ulong);
        for (; position < data.Length; position++)
        {
            data[position] ^= (byte)(wide >> (position % 4 * 8));
        }

        return (offset + data.Length) & 3;
    }

    private async ValueTask HandleControlFrameAsync(WebSocketOpcode opcode, byte[] payload)
    {
        switch (opcode)
        {
            case WebSocketOpcode.Ping:
                await SendControlAsync(WebSocketOpcode.Pong, payload);
                break;
            case WebSocketOpcode.Pong:
                Volatile.Write(ref _pingSent, 0);
                break;
            case WebSocketOpcode.Close:
                // Answer with the peer's status (RFC 6455 section 5.5.1), then report end of stream. A malformed close
                // (a 1-byte body, a status that may not be sent, a reason that is not UTF-8) is answered as section 7.4 says.
                _receiveDone = true;
                Volatile.Write(ref _closeReceived, 1);
                if (CloseFrameError(payload) is { } closeError)
                {
                    throw await ProtocolViolationAsync(closeError.Status, closeError.Reason);
                }

                var status = payload.Length >= 2 ? (WebSocketCloseStatus)BinaryPrimitives.ReadUInt16BigEndian(payload) : WebSocketCloseStatus.NormalClosure;
                await CloseOutputAsync(status, "", CancellationToken.None);
                break;
        }
    }

    /// <summary>What is wrong with a close frame's body, or null when it is well formed (RFC 6455 sections 5.5.1, 7.4).</summary>
    internal static (WebSocketCloseStatus Status, string Reason)? CloseFrameError(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return null;
        }

        if (payload.Length == 1)
        {
            return (WebSocketCloseStatus.ProtocolError, "close frame body of 1 byte (a status code takes 2)");
        }

        var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        // 1000-1003 and 1007-1014 are defined, 3000-4999 are for registration and private use; 1004-1006 and 1015
        // must never be sent, and the rest is unassigned.
        var valid = code is >= 1000 and <= 1003 or >= 1007 and <= 1014 or >= 3000 and <= 4999;
        if (!valid)
        {
            return (WebSocketCloseStatus.ProtocolError, $"close status {code} may not be sent");
        }

        if (!System.Text.Unicode.Utf8.IsValid(payload[2..]))
        {
            return (WebSocketCloseStatus.InvalidPayloadData, "close reason is not valid UTF-8");
        }

        return null;
    }

    private async ValueTask SendControlAsync(WebSocketOpcode opcode, byte[] payload)
    {
        await _writeLock.WaitAsync();
        try
        {
            if (Volatile.Read(ref _closeSent) == 0)
            {
                WriteFrame(opcode, payload);
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

    private void OnKeepAliveTick()
    {
        var now = _time.GetTimestamp();
        var lastReceived = Volatile.Read(ref _lastReceived);
        var silentFor = _time.GetElapsedTime(lastReceived, now);
        var writePending = Volatile.Read(ref _writePendingSince);
        if (writePending != 0 && silentFor >= _pingInterval + _pingTimeout && _time.GetElapsedTime(writePending, now) >= _pingInterval + _pingTimeout)
        {
            // A write has been stuck for a whole keep-alive cycle and the peer has said nothing: it reads nothing
            // and could not answer a ping we cannot even send. Gone, as far as the tunnel is concerned.
            CutUnresponsivePeer();
            return;
        }

        var pingSent = Volatile.Read(ref _pingSent);
        if (pingSent != 0)
        {
            if (lastReceived < pingSent)
            {
                if (_time.GetElapsedTime(pingSent, now) >= _pingTimeout)
                {
                    // Nothing at all since the ping, not even its pong: the peer is gone without a FIN.
                    CutUnresponsivePeer();
                }

                return;
            }

            Volatile.Write(ref _pingSent, 0); // the peer has spoken since: alive, whether or not it sent the pong
        }

        if (silentFor >= _pingInterval - TimeSpan.FromMilliseconds(1) && Volatile.Read(ref _closeSent) == 0)
        {
            // Skip this tick when a write is in progress: data in flight keeps the edge from cutting the tunnel
            // anyway, and a write that never completes is caught above.
            if (_writeLock.Wait(0))
            {
                Volatile.Write(ref _pingSent, now);
                WriteFrame(WebSocketOpcode.Ping, []);
                _ = FlushAndReleaseAsync();
            }
        }
    }

    private void CutUnresponsivePeer()
    {
        PeerUnresponsive = true;
        _keepAlive?.Dispose();
        Abort();
    }

    /// <summary>Flushes the output, recording when a flush started so a peer that stops reading can be detected.</summary>
    private async ValueTask<FlushResult> FlushTrackedAsync(CancellationToken cancellationToken)
    {
        var flush = _output.FlushAsync(cancellationToken);
        if (flush.IsCompleted)
        {
            return flush.Result;
        }

        Volatile.Write(ref _writePendingSince, _time.GetTimestamp());
        try
        {
            return await flush;
        }
        finally
        {
            Volatile.Write(ref _writePendingSince, 0);
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

    private static byte[] ClosePayload(WebSocketCloseStatus status, string description)
    {
        // Status code, then a short UTF-8 reason (control payloads are limited to 125 bytes).
        var reason = Encoding.UTF8.GetBytes(description.Length > 40 ? description[..40] : description);
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        reason.CopyTo(payload, 2);
        return payload;
    }

    /// <summary>Writes one unmasked server frame (FIN set) into the output pipe; the caller holds the write lock.</summary>
    private void WriteFrame(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var header = _output.GetSpan(10);
        header[0] = (byte)(FinalBit | (byte)opcode);
        int headerLength;
        if (payload.Length <= 125)
        {
            header[1] = (byte)payload.Length;
            headerLength = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)payload.Length);
            headerLength = 4;
        }
        else
        {
            header[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(header[2..], (ulong)payload.Length);
            headerLength = 10;
        }

        _output.Advance(headerLength);
        _output.Write(payload);
    }

    /// <summary>Parses a client frame header (RFC 6455 section 5.2) at the start of <paramref name="data"/>.</summary>
    private FrameRead TryReadFrameHeader(in ReadOnlySequence<byte> data, out FrameHeader header)
    {
        header = default;
        Span<byte> bytes = stackalloc byte[14];
        var available = (int)Math.Min(data.Length, bytes.Length);
        data.Slice(0, available).CopyTo(bytes);
        if (available < 2)
        {
            return FrameRead.Incomplete;
        }

        var opcode = (WebSocketOpcode)(bytes[0] & 0x0F);
        var final = (bytes[0] & FinalBit) != 0;
        if ((bytes[0] & ReservedBits) != 0)
        {
            return Error("reserved bits set without a negotiated extension");
        }

        if ((bytes[1] & MaskBit) == 0)
        {
            return Error("client frames must be masked");
        }

        if (opcode is not (WebSocketOpcode.Continuation or WebSocketOpcode.Text or WebSocketOpcode.Binary or WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong))
        {
            return Error($"unknown opcode {(int)opcode}");
        }

        long length = bytes[1] & 0x7F;
        var headerLength = 2;
        if (length == 126)
        {
            headerLength = 4;
            if (available < headerLength)
            {
                return FrameRead.Incomplete;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        }
        else if (length == 127)
        {
            headerLength = 10;
            if (available < headerLength)
            {
                return FrameRead.Incomplete;
            }

            var wide = BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]);
            if (wide > long.MaxValue)
            {
                return Error("payload length has its most significant bit set");
            }

            length = (long)wide;
        }

        var isControl = opcode >= WebSocketOpcode.Close;
        if (isControl && (!final || length > MaxControlPayload))
        {
            return Error("control frames must be final and at most 125 bytes");
        }

        if (available < headerLength + 4)
        {
            return FrameRead.Incomplete;
        }

        header = new FrameHeader(opcode, final, length, headerLength + 4, MemoryMarshal.Read<uint>(bytes[headerLength..]), isControl);
        return FrameRead.Complete;

        FrameRead Error(string reason)
        {
            ProtocolError = reason;
            return FrameRead.Error;
        }
    }

    private enum FrameRead
    {
        Incomplete,
        Complete,
        Error,
    }

    private enum WebSocketOpcode : byte
    {
        Continuation = 0x0,
        Text = 0x1,
        Binary = 0x2,
        Close = 0x8,
        Ping = 0x9,
        Pong = 0xA,
    }

    private readonly record struct FrameHeader(WebSocketOpcode Opcode, bool Final, long PayloadLength, int HeaderLength, uint Mask, bool IsControl);
}
