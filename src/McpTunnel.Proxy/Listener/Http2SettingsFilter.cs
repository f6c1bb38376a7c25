using System.Buffers;
using System.Buffers.Binary;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// Removes SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441) from the SETTINGS frame that opens Kestrel's side of an
/// HTTP/2 tunnel. Kestrel advertises extended CONNECT on every HTTP/2 connection and has no option to stop; the
/// proxy never forwards CONNECT (an MCP tunnel carries requests, not raw streams), so the invitation would only
/// lead clients to attempt WebSockets over h2 that are then refused. Runs once per tunnel, on the first bytes sent.
/// </summary>
internal static class Http2SettingsFilter
{
    private const int FrameHeaderLength = 9;
    private const byte SettingsFrame = 0x4;
    private const ushort EnableConnectProtocol = 0x8;

    public enum Result
    {
        /// <summary>Fewer bytes than the first frame: wait for more.</summary>
        NeedMore,

        /// <summary>The first frame, rewritten in <c>frame</c>; <c>consumed</c> bytes of the input replace it.</summary>
        Rewritten,

        /// <summary>Not a server SETTINGS frame, or nothing to remove: send the bytes as they are.</summary>
        Unchanged,
    }

    public static Result TryRewrite(in ReadOnlySequence<byte> buffer, out long consumed, out byte[]? frame)
    {
        consumed = 0;
        frame = null;
        if (buffer.Length < FrameHeaderLength)
        {
            return Result.NeedMore;
        }

        Span<byte> header = stackalloc byte[FrameHeaderLength];
        buffer.Slice(0, FrameHeaderLength).CopyTo(header);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var isSettings = header[3] == SettingsFrame && header[4] == 0 && BinaryPrimitives.ReadUInt32BigEndian(header[5..]) == 0;
        if (!isSettings || length % 6 != 0)
        {
            return Result.Unchanged;
        }

        if (buffer.Length < FrameHeaderLength + length)
        {
            return Result.NeedMore;
        }

        var payload = buffer.Slice(FrameHeaderLength, length).ToArray();
        var kept = new List<byte>(length);
        for (var i = 0; i < payload.Length; i += 6)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(i)) != EnableConnectProtocol)
            {
                kept.AddRange(payload.AsSpan(i, 6));
            }
        }

        if (kept.Count == payload.Length)
        {
            return Result.Unchanged;
        }

        frame = new byte[FrameHeaderLength + kept.Count];
        header.CopyTo(frame);
        frame[0] = (byte)(kept.Count >> 16);
        frame[1] = (byte)(kept.Count >> 8);
        frame[2] = (byte)kept.Count;
        kept.CopyTo(frame, FrameHeaderLength);
        consumed = FrameHeaderLength + length;
        return Result.Rewritten;
    }
}
