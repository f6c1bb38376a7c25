using System.Text;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 by hand inside an inner TLS session, for requests no well-behaved client library would send
/// (malformed chunked framing, odd request-targets, CONNECT). Reads one whole response, however it is framed.
/// </summary>
internal static class RawHttp1
{
    /// <summary>Sends <paramref name="request"/> (Latin-1 bytes) and returns the response head and body as text.</summary>
    public static async Task<RawResponse> ExchangeAsync(Stream stream, string request)
    {
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        await stream.FlushAsync();
        return await ReadResponseAsync(stream);
    }

    /// <summary>Reads one response: head, then a Content-Length or chunked body, or everything until the peer closes.</summary>
    public static async Task<RawResponse> ReadResponseAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        var closed = false;

        async Task<bool> ReadMoreAsync()
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                read = 0;
            }

            if (read == 0)
            {
                closed = true;
                return false;
            }

            received.AddRange(buffer.AsSpan(0, read));
            return true;
        }

        int headEnd;
        while ((headEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            if (!await ReadMoreAsync())
            {
                return new RawResponse(Encoding.Latin1.GetString([.. received]), "", Closed: true);
            }
        }

        var head = Encoding.Latin1.GetString([.. received.GetRange(0, headEnd)]);
        var response = new RawResponse(head, "", closed);
        var bodyStart = headEnd + 4;
        if (response.Header("Content-Length") is { } lengthText && long.TryParse(lengthText, out var length))
        {
            while (received.Count - bodyStart < length && await ReadMoreAsync())
            {
            }

            var count = (int)Math.Min(length, received.Count - bodyStart);
            return response with { Body = Encoding.Latin1.GetString([.. received.GetRange(bodyStart, count)]), Closed = closed };
        }

        if (string.Equals(response.Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (IndexOf(received.GetRange(bodyStart, received.Count - bodyStart), "0\r\n\r\n"u8) < 0 && await ReadMoreAsync())
            {
            }
        }
        else
        {
            while (await ReadMoreAsync())
            {
            }
        }

        return response with { Body = Encoding.Latin1.GetString([.. received.GetRange(bodyStart, received.Count - bodyStart)]), Closed = closed };
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> value) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).IndexOf(value);
}

/// <summary>A response as received: its head (status line and headers), its body, and whether the peer then closed.</summary>
internal sealed record RawResponse(string Head, string Body, bool Closed)
{
    /// <summary>The status code, or 0 when no status line arrived.</summary>
    public int Status => Head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(Head.AsSpan(9, 3), out var s) ? s : 0;

    public string? Header(string name) => Head.Split("\r\n").Skip(1)
        .Select(l => l.Split(':', 2))
        .Where(p => p.Length == 2 && string.Equals(p[0], name, StringComparison.OrdinalIgnoreCase))
        .Select(p => p[1].Trim())
        .FirstOrDefault();
}
