using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace McpTunnel.Proxy.Listener;

/// <summary>
/// The server side of the RFC 6455 opening handshake (section 4.2), read straight from the outer connection's
/// bytes so that a tunnel costs no Kestrel HTTP request, no ASP.NET WebSocket object and no upgraded-body stream.
/// Deliberately strict: only a well-formed <c>GET … HTTP/1.1</c> with every WebSocket header valid is taken as a
/// tunnel. Anything else is left unread for Kestrel's HTTP/1.1 parser, which answers it (426 for a plain request,
/// 400 for malformed HTTP, 431 for oversized headers) — this code never answers HTTP errors of its own except 503.
/// </summary>
internal static class WebSocketUpgrade
{
    /// <summary>Longest request head considered (Kestrel's default header limit): longer ones go to Kestrel (431).</summary>
    public const int MaxHeadBytes = 32 * 1024;

    // RFC 6455 section 1.3: the GUID appended to the client's key before hashing.
    private static ReadOnlySpan<byte> AcceptGuid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    /// <summary>
    /// Looks for a complete request head at the start of <paramref name="buffer"/>. Returns
    /// <see cref="UpgradeParse.Upgrade"/> with the key and the position after the head when it is a valid WebSocket
    /// upgrade; <see cref="UpgradeParse.Incomplete"/> when more bytes are needed; otherwise
    /// <see cref="UpgradeParse.NotUpgrade"/> (hand the untouched bytes to Kestrel).
    /// </summary>
    public static UpgradeParse TryParse(in ReadOnlySequence<byte> buffer, out SequencePosition headEnd, out string key)
    {
        headEnd = buffer.Start;
        key = "";
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd, advancePastDelimiter: true))
        {
            return buffer.Length >= MaxHeadBytes ? UpgradeParse.NotUpgrade : UpgradeParse.Incomplete;
        }

        if (head.Length + HeadEnd.Length > MaxHeadBytes)
        {
            return UpgradeParse.NotUpgrade;
        }

        // A head this small is copied once so the checks below can work on one span.
        Span<byte> stack = stackalloc byte[head.Length <= 2048 ? (int)head.Length : 0];
        var bytes = head.IsSingleSegment ? head.FirstSpan : stack.Length > 0 ? CopyTo(head, stack) : head.ToArray();
        if (!TryValidate(bytes, out key))
        {
            return UpgradeParse.NotUpgrade;
        }

        headEnd = reader.Position;
        return UpgradeParse.Upgrade;
    }

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for a client key (RFC 6455 section 4.2.2).</summary>
    public static string ComputeAccept(string key)
    {
        Span<byte> input = stackalloc byte[64];
        var length = Encoding.ASCII.GetBytes(key, input);
        AcceptGuid.CopyTo(input[length..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // SHA-1 is what RFC 6455 prescribes for the accept value; it is not used for security here.
        SHA1.HashData(input[..(length + AcceptGuid.Length)], hash);
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }

    public static void WriteSwitchingProtocols(PipeWriter output, string key) =>
        Write(output, $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {ComputeAccept(key)}\r\n\r\n");

    /// <summary>The tunnel cap's answer (limits.max_tunnels): the edge should retry shortly, elsewhere or later.</summary>
    public static void WriteTunnelLimitReached(PipeWriter output)
    {
        const string body = "Tunnel limit reached\n";
        Write(output, $"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
    }

    private static void Write(PipeWriter output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    private static ReadOnlySpan<byte> CopyTo(in ReadOnlySequence<byte> head, Span<byte> destination)
    {
        head.CopyTo(destination);
        return destination;
    }

    /// <summary>RFC 6455 section 4.2.1 on a head without its final CRLFCRLF; every header line ends in CRLF.</summary>
    private static bool TryValidate(ReadOnlySpan<byte> head, out string key)
    {
        key = "";
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = lineEnd < 0 ? head : head[..lineEnd];
        if (!requestLine.StartsWith("GET /"u8) || !requestLine.EndsWith(" HTTP/1.1"u8))
        {
            return false;
        }

        var target = requestLine[4..^9];
        if (target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) >= 0)
        {
            return false; // spaces, controls or non-ASCII in the target: let Kestrel's parser judge it
        }

        bool host = false, upgrade = false, connection = false, version = false;
        Span<byte> decoded = stackalloc byte[18];
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            rest = lineEnd < 0 ? [] : rest[(lineEnd + 2)..];

            // Bare CR or LF, NUL, obs-fold and names with whitespace are request-smuggling material: not ours.
            if (line.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0 || line.IsEmpty || line[0] is (byte)' ' or (byte)'\t')
            {
                return false;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                return false;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Is(name, "Host"u8))
            {
                if (host || value.IsEmpty)
                {
                    return false;
                }

                host = true;
            }
            else if (Is(name, "Upgrade"u8))
            {
                upgrade |= HasToken(value, "websocket"u8);
            }
            else if (Is(name, "Connection"u8))
            {
                connection |= HasToken(value, "Upgrade"u8);
            }
            else if (Is(name, "Sec-WebSocket-Version"u8))
            {
                if (version || !value.SequenceEqual("13"u8))
                {
                    return false;
                }

                version = true;
            }
            else if (Is(name, "Sec-WebSocket-Key"u8))
            {
                // 16 random bytes, base64-encoded: 24 characters.
                var candidate = value.Length == 24 ? Encoding.ASCII.GetString(value) : "";
                if (key.Length > 0 || !Convert.TryFromBase64String(candidate, decoded, out var length) || length != 16)
                {
                    return false;
                }

                key = candidate;
            }
            else if (Is(name, "Content-Length"u8) || Is(name, "Transfer-Encoding"u8))
            {
                return false; // an upgrade request has no body
            }
        }

        return host && upgrade && connection && version && key.Length > 0;
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> expected) =>
        name.Length == expected.Length && Ascii.EqualsIgnoreCase(name, expected);

    /// <summary>True when the comma-separated list <paramref name="value"/> holds <paramref name="token"/> (case-insensitive).</summary>
    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Is(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            // RFC 9110 tchar: visible ASCII except separators.
            if (b <= 0x20 || b >= 0x7f || "\"(),/:;<=>?@[\\]{}"u8.Contains(b))
            {
                return false;
            }
        }

        return true;
    }
}

internal enum UpgradeParse
{
    Incomplete,
    Upgrade,
    NotUpgrade,
}
