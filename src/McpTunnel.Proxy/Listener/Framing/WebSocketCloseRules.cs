using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace McpTunnel.Proxy.Listener.Framing;

/// <summary>What a close frame's body may hold (RFC 6455 sections 5.5.1, 7.4) and how ours is written.</summary>
internal static class WebSocketCloseRules
{
    private const int MaxReasonChars = 40; // a control frame's payload is at most 125 bytes

    /// <summary>What is wrong with a close frame's body, or null when it is well formed.</summary>
    public static (WebSocketCloseStatus Status, string Reason)? Check(ReadOnlySpan<byte> payload)
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

    /// <summary>The status the peer's close carried, or 1000 for an empty body (answered with the same status).</summary>
    public static WebSocketCloseStatus StatusOf(ReadOnlySpan<byte> payload) =>
        payload.Length >= 2 ? (WebSocketCloseStatus)BinaryPrimitives.ReadUInt16BigEndian(payload) : WebSocketCloseStatus.NormalClosure;

    /// <summary>Our close body: the status code, then a short UTF-8 reason.</summary>
    public static byte[] Payload(WebSocketCloseStatus status, string description)
    {
        var reason = Encoding.UTF8.GetBytes(description.Length > MaxReasonChars ? description[..MaxReasonChars] : description);
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        reason.CopyTo(payload, 2);
        return payload;
    }
}
