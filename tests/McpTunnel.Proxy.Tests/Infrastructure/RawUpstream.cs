using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// An upstream that speaks HTTP/1.1 by hand on 127.0.0.1:0, for what a real server would hide: it records each
/// request head byte for byte (a framework upstream would already have normalised the path) and answers with
/// whatever bytes the test chose, including framings no correct server sends. One request per connection.
/// </summary>
internal sealed class RawUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly Func<RawRequest, byte[]> _respond;

    private RawUpstream(Func<RawRequest, byte[]> respond)
    {
        _respond = respond;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every request that arrived, in order: its head as sent, and the body bytes that followed it.</summary>
    public Channel<RawRequest> Requests { get; } = Channel.CreateUnbounded<RawRequest>();

    /// <summary>Connections accepted so far (a refused request must not reach the upstream at all).</summary>
    public int Connections { get; private set; }

    /// <summary>An upstream answering every request with <paramref name="response"/> (default: 200 "ok").</summary>
    public static RawUpstream Start(string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok") =>
        new(_ => Encoding.ASCII.GetBytes(response));

    public static RawUpstream Start(Func<RawRequest, byte[]> respond) => new(respond);

    /// <summary>The next request's head, waiting a bounded time.</summary>
    public async Task<RawRequest> NextRequestAsync() =>
        await Requests.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Connections++;
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var received = new MemoryStream();
            var buffer = new byte[16 * 1024];
            try
            {
                int headEnd;
                while ((headEnd = IndexOfHeadEnd(received)) < 0)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    received.Write(buffer, 0, read);
                }

                var all = received.ToArray();
                var head = Encoding.Latin1.GetString(all, 0, headEnd);
                var request = new RawRequest(head, all[(headEnd + 4)..]);
                await Requests.Writer.WriteAsync(request);
                await stream.WriteAsync(_respond(request), _stop.Token);
                await stream.FlushAsync(_stop.Token);

                // Wait for the proxy to close its side, so the answer is never cut by our reset.
                while (await stream.ReadAsync(buffer, _stop.Token) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    private static int IndexOfHeadEnd(MemoryStream received)
    {
        var bytes = received.GetBuffer().AsSpan(0, (int)received.Length);
        return bytes.IndexOf("\r\n\r\n"u8);
    }
}

/// <summary>One request as the upstream received it.</summary>
internal sealed record RawRequest(string Head, byte[] BodyStart)
{
    /// <summary>The request line, e.g. <c>GET /a/../b HTTP/1.1</c>.</summary>
    public string RequestLine => Head.Split("\r\n")[0];

    /// <summary>The request-target exactly as sent.</summary>
    public string Target => RequestLine.Split(' ')[1];

    public string? Header(string name) => Head.Split("\r\n").Skip(1)
        .Select(l => l.Split(':', 2))
        .Where(p => p.Length == 2 && string.Equals(p[0], name, StringComparison.OrdinalIgnoreCase))
        .Select(p => p[1].Trim())
        .FirstOrDefault();
}
