using McpTunnel.Cli.Hello;

namespace McpTunnel.Cli.Tests.Hello;

/// <summary>One real <see cref="HelloServer"/> on 127.0.0.1:0 shared by a test class.</summary>
public sealed class HelloServerFixture : IAsyncLifetime
{
    private HelloServer? _server;

    internal HelloServer Server => _server ?? throw new InvalidOperationException("Server not started.");

    public Uri Endpoint => Server.Endpoint;

    public async Task InitializeAsync() => _server = await HelloServer.StartAsync(HelloServerOptions.Loopback(), CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Bounded wait for every network step; tests never sleep.</summary>
    public static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
