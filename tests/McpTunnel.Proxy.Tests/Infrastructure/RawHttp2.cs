using System.Buffers.Binary;
using System.Text;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// HTTP/2 frames by hand inside an inner TLS session (ALPN h2), for messages RFC 9113 calls malformed that no
/// client library will produce. Header blocks use HPACK literals without indexing and without Huffman coding, so
/// any name or value, however wrong, goes on the wire as written.
/// </summary>
internal sealed class RawHttp2(Stream stream)
{
    private const byte Settings = 0x4;
    private const byte Headers = 0x1;
    private const byte RstStream = 0x3;
    private const byte GoAway = 0x7;
    private const byte Data = 0x0;

    /// <summary>The server's SETTINGS parameters from its connection preface.</summary>
    public Dictionary<ushort, uint> ServerSettings { get; } = [];

    /// <summary>Sends the client preface and an empty SETTINGS frame, and reads the server's SETTINGS.</summary>
    public async Task StartAsync()
    {
        await stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        await WriteFrameAsync(Settings, 0, 0, []);
        var (type, _, _, payload) = await ReadFrameAsync();
        if (type != Settings)
        {
            throw new InvalidOperationException($"expected SETTINGS, got frame type {type}");
        }

        for (var i = 0; i + 6 <= payload.Length; i += 6)
        {
            ServerSettings[BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(i))] = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(i + 2));
        }

        await WriteFrameAsync(Settings, 0x1, 0, []); // ACK
    }

    /// <summary>Sends one request (pseudo-headers first, as given) on <paramref name="streamId"/> with END_STREAM, and reads how the server answered it.</summary>
    public async Task<Http2Outcome> RequestAsync(int streamId, params (string Name, string Value)[] headers)
    {
        var block = new List<byte>();
        foreach (var (name, value) in headers)
        {
            block.Add(0x00); // literal header field without indexing, new name
            AppendString(block, name);
            AppendString(block, value);
        }

        await WriteFrameAsync(Headers, 0x5, streamId, [.. block]); // END_STREAM | END_HEADERS
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (type, flags, id, payload) = await ReadFrameAsync(timeout.Token);
            switch (type)
            {
                case GoAway:
                    return new Http2Outcome(0, ErrorCode: BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)), ConnectionError: true);
                case RstStream when id == streamId:
                    return new Http2Outcome(0, ErrorCode: BinaryPrimitives.ReadUInt32BigEndian(payload), ConnectionError: false);
                case Headers when id == streamId:
                    return new Http2Outcome(DecodeStatus(payload, flags), ErrorCode: null, ConnectionError: false);
                case Data:
                    break; // a body of an earlier stream
            }
        }
    }

    private static int DecodeStatus(byte[] block, byte flags)
    {
        var offset = (flags & 0x8) != 0 ? block[0] + 1 : 0; // PADDED
        if ((flags & 0x20) != 0)
        {
            offset += 5; // PRIORITY
        }

        var first = block[offset];
        if ((first & 0x80) != 0)
        {
            // Indexed from the static table: entries 8-14 are :status 200, 204, 206, 304, 400, 404, 500.
            return (first & 0x7F) switch { 8 => 200, 9 => 204, 10 => 206, 11 => 304, 12 => 400, 13 => 404, 14 => 500, var i => throw new InvalidOperationException($"first header is table entry {i}, not a static :status") };
        }

        // A literal with the :status name from the static table (index 8): with incremental indexing (01xxxxxx),
        // without indexing (0000xxxx) or never indexed (0001xxxx). One request per connection keeps the dynamic
        // table out of it.
        var nameIndex = (first & 0xC0) == 0x40 ? first & 0x3F : first & 0x0F;
        if (nameIndex != 8)
        {
            throw new InvalidOperationException($"first header is not :status (byte 0x{first:x2})");
        }

        var length = block[offset + 1] & 0x7F;
        return int.Parse(Encoding.ASCII.GetString(block, offset + 2, length), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AppendString(List<byte> block, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        // 7-bit prefix integer (RFC 7541 section 5.1), Huffman bit clear.
        if (bytes.Length < 127)
        {
            block.Add((byte)bytes.Length);
        }
        else
        {
            block.Add(127);
            var rest = bytes.Length - 127;
            while (rest >= 128)
            {
                block.Add((byte)(rest % 128 + 128));
                rest /= 128;
            }

            block.Add((byte)rest);
        }

        block.AddRange(bytes);
    }

    private async Task WriteFrameAsync(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        await stream.WriteAsync(frame);
        await stream.FlushAsync();
    }

    private async Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        var header = new byte[9];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return (header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF, payload);
    }
}

/// <summary>How the server answered one HTTP/2 request: a status, a stream reset, or a connection error (GOAWAY).</summary>
internal sealed record Http2Outcome(int Status, uint? ErrorCode, bool ConnectionError)
{
    public const uint ProtocolError = 0x1;

    /// <summary>Refused as RFC 9113 section 8.1.1 asks of a malformed message: stream or connection PROTOCOL_ERROR, or a 400.</summary>
    public bool IsRefusedAsMalformed => Status == 400 || ErrorCode == ProtocolError;
}
