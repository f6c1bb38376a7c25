using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace McpTunnel.Proxy.Listener.Framing;

/// <summary>Writes server frames: unmasked (RFC 6455 section 5.1), FIN set, the shortest length encoding.</summary>
internal static class WebSocketFrameWriter
{
    private const byte FinalBit = 0x80;

    /// <summary>Appends one frame to <paramref name="output"/>; the caller flushes, and serialises writers.</summary>
    public static void Write(PipeWriter output, WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var header = output.GetSpan(10);
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

        output.Advance(headerLength);
        output.Write(payload);
    }
}
