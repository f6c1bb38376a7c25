using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using McpTunnel.Proxy.Hosting;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>
/// The admin listener under sockets that hold on, with real TCP: the health probes must keep answering, because a
/// liveness probe that fails restarts a healthy proxy. Anything that shares the network namespace can open them.
/// </summary>
public sealed class AdminListenerLimitsTests
{
    private const int HeldConnections = 100;
    private static readonly TimeSpan ProbeBudget = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task HundredIdleAndHundredSlowConnections_ProbesStillAnswerWithinTwoSeconds()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        var admin = AdminScrape.AdminUri(proxy);
        var held = new List<Socket>();
        try
        {
            // Idle: one complete request, its answer read, then silence on a kept-alive connection.
            for (var i = 0; i < HeldConnections; i++)
            {
                held.Add(await ConnectAsync(admin));
                await SendAsync(held[^1], "GET /healthz HTTP/1.1\r\nHost: probe\r\n\r\n");
            }

            foreach (var socket in held)
            {
                await ReadSomeAsync(socket); // served (or, before the fix, reset once the listener's cap was reached)
            }

            // Slow: a request head that has started and never ends.
            for (var i = 0; i < HeldConnections; i++)
            {
                held.Add(await ConnectAsync(admin));
                await SendAsync(held[^1], "GET /healthz HTTP/1.1\r\nHo");
            }

            var probe = Stopwatch.StartNew();
            using var http = new HttpClient { Timeout = ProbeBudget };
            using var health = await http.GetAsync(new Uri(admin, "/healthz"));
            var healthElapsed = probe.Elapsed;
            probe.Restart();
            var exitCode = await ProxyProgram.RunAsync(["-healthcheck", "-config", ConfigWithAdminPort(proxy, admin.Port)], TextWriter.Null, TextWriter.Null).WaitAsync(ProbeBudget);
            var healthcheckElapsed = probe.Elapsed;

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.True(healthElapsed < ProbeBudget, $"/healthz took {healthElapsed}");
            Assert.Equal(0, exitCode);
            Assert.True(healthcheckElapsed < ProbeBudget, $"-healthcheck took {healthcheckElapsed}");
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task IdleAndSlowConnections_AreClosedByTheListenerWithinSeconds()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream, AdminListenerTests.WithAdmin);
        var admin = AdminScrape.AdminUri(proxy);
        using var idle = await ConnectAsync(admin);
        using var slow = await ConnectAsync(admin);
        await SendAsync(idle, "GET /healthz HTTP/1.1\r\nHost: probe\r\n\r\n");
        await ReadSomeAsync(idle);
        await SendAsync(slow, "GET /healthz HTTP/1.1\r\nHo");

        // Kestrel's own defaults are 130 s of keep-alive and 30 s for a request head; the admin listener's are 5 s.
        var closed = await Task.WhenAll(ClosedByPeerAsync(idle), ClosedByPeerAsync(slow));

        Assert.True(closed[0] < TimeSpan.FromSeconds(12), $"an idle connection was kept {closed[0]}");
        Assert.True(closed[1] < TimeSpan.FromSeconds(12), $"an unfinished request head was kept {closed[1]}");
    }

    private static async Task<Socket> ConnectAsync(Uri admin)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, admin.Port);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(text));
        }
        catch (SocketException)
        {
            // a listener that refuses the connection has already shown what it does with it
        }
    }

    private static async Task ReadSomeAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await socket.ReceiveAsync(new byte[4096], timeout.Token);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>Reads until the listener ends the connection (a zero read or a reset); how long that took from now (at most 20 s).</summary>
    private static async Task<TimeSpan> ClosedByPeerAsync(Socket socket)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
        catch (OperationCanceledException)
        {
            return TimeSpan.MaxValue;
        }

        return watch.Elapsed;
    }

    /// <summary>The proxy's own config with <c>admin_addr</c> naming the port it bound (the test asked for port 0).</summary>
    private static string ConfigWithAdminPort(TestProxy proxy, int port)
    {
        var path = Path.Combine(proxy.Pki.Directory, "healthcheck.yaml");
        File.WriteAllText(path, File.ReadAllText(proxy.ConfigPath).Replace("admin_addr: \"127.0.0.1:0\"", $"admin_addr: \"127.0.0.1:{port}\"", StringComparison.Ordinal));
        return path;
    }
}
