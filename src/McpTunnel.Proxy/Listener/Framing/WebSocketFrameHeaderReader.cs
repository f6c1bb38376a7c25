using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace McpTunnel.Proxy.Listener.Framing;

/// <summary>
/// Parses a client frame header (RFC 6455 section 5.2) at the start of the bytes received so far. A pure function
/// of its input, so it is also the fuzz target for the outer listener's framing (tests/fuzz).
/// </summary>
internal static class WebSocketFrameHeaderReader
{
    private const byte FinalBit = 0x80;
    private const byte ReservedBits = 0x70;
    private const byte MaskBit = 0x80;
    private const int MaxControlPayload = 125;
    private const int MaxHeaderLength = 14; // 2 + 8 (64-bit length) + 4 (masking key)

    public enum Result
    {
        /// <summary>Not enough bytes yet for the whole header.</summary>
        Incomplete,

        Complete,

        /// <summary>The header breaks the framing rules; the connection must be failed with 1002.</summary>
        Error,
    }

    public static Result TryRead(in ReadOnlySequence<byte> data, out WebSocketFrameHeader header, out string? error)
    {
        header = default;
        error = null;
        Span<byte> bytes = stackalloc byte[MaxHeaderLength];
        var available = (int)Math.Min(data.Length, bytes.Length);
        data.Slice(0, available).CopyTo(bytes);
        if (available < 2)
        {
            return Result.Incomplete;
        }

        var opcode = (WebSocketOpcode)(bytes[0] & 0x0F);
        var final = (bytes[0] & FinalBit) != 0;
        if ((bytes[0] & ReservedBits) != 0)
        {
            return Fail("reserved bits set without a negotiated extension", out error);
        }

        if ((bytes[1] & MaskBit) == 0)
        {
            return Fail("client frames must be masked", out error);
        }

        if (opcode is not (WebSocketOpcode.Continuation or WebSocketOpcode.Text or WebSocketOpcode.Binary or WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong))
        {
            return Fail($"unknown opcode {(int)opcode}", out error);
        }

        long length = bytes[1] & 0x7F;
        var headerLength = 2;
        if (length == 126)
        {
            headerLength = 4;
            if (available < headerLength)
            {
                return Result.Incomplete;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        }
        else if (length == 127)
        {
            headerLength = 10;
            if (available < headerLength)
            {
                return Result.Incomplete;
            }

            var wide = BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]);
            if (wide > long.MaxValue)
            {
                return Fail("payload length has its most significant bit set", out error);
            }

            length = (long)wide;
        }

        if (opcode >= WebSocketOpcode.Close && (!final || length > MaxControlPayload))
        {
            return Fail("control frames must be final and at most 125 bytes", out error);
        }

        if (available < headerLength + 4)
        {
            return Result.Incomplete;
        }

        header = new WebSocketFrameHeader(opcode, final, length, headerLength + 4, MemoryMarshal.Read<uint>(bytes[headerLength..]));
        return Result.Complete;
    }

    private static Result Fail(string reason, out string error)
    {
        error = reason;
        return Result.Error;
    }
}
