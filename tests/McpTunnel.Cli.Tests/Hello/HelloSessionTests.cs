using McpTunnel.Cli.Hello;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Server;

namespace McpTunnel.Cli.Tests.Hello;

/// <summary>A session's lifetime against its GET stream, in the orders HTTP requests can race into.</summary>
public sealed class HelloSessionTests
{
    [Fact]
    public async Task GetStream_StartedAfterTheSessionEnded_ReturnsInsteadOfHanging()
    {
        // DELETE won the race: the GET handler had flushed its headers but not reached the transport yet.
        // The SDK transport alone would then wait forever on a response that nobody completes.
        var session = StartSession();
        await session.DisposeAsync();

        var stream = session.RunGetStreamAsync(Stream.Null, CancellationToken.None);

        await stream.WaitAsync(HelloServerFixture.Timeout());
        Assert.True(stream.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task GetStream_Running_EndsWhenTheSessionEnds()
    {
        var session = StartSession();
        using var body = new MemoryStream();
        var stream = session.RunGetStreamAsync(body, CancellationToken.None);
        Assert.False(stream.IsCompleted);

        await session.DisposeAsync();

        await stream.WaitAsync(HelloServerFixture.Timeout());
        Assert.True(stream.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task GetStream_CallerCancels_EndsWhileTheSessionLives()
    {
        await using var session = StartSession();
        using var client = new CancellationTokenSource();
        var stream = session.RunGetStreamAsync(Stream.Null, client.Token);

        await client.CancelAsync();

        await stream.WaitAsync(HelloServerFixture.Timeout());
        Assert.True(stream.IsCompletedSuccessfully);
    }

    private static HelloSession StartSession() =>
        HelloSession.Start(HelloSessionStore.NewSessionId(), new McpServerOptions(), NullLoggerFactory.Instance, NullLogger.Instance);
}
