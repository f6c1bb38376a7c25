namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>
/// The base of test classes whose every test runs against a fresh <see cref="TestStack"/> in front of an
/// <see cref="McpUpstream"/> (xunit builds the class anew for each test): the two, their start and release, the route
/// to the upstream, and the doctor command line that checks the stack.
/// </summary>
public abstract class StackWithUpstreamTests : IAsyncLifetime
{
    /// <summary>The admin listener on a port the system picks, with the loopback upstream allowed.</summary>
    private protected const string AdminOnAnyPort = "admin_addr: \"127.0.0.1:0\"\n" + TestStack.LoopbackAllowed;

    private protected TestStack Stack { get; } = new();

    private protected McpUpstream Upstream { get; private set; } = null!;

    /// <summary>The <c>echo</c> route to <see cref="Upstream"/>, as a config's <c>routes:</c> line.</summary>
    private protected string EchoRoute => $"echo: http://127.0.0.1:{Upstream.Port}";

    public async Task InitializeAsync() => Upstream = await McpUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await Stack.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary><c>mcptunnel doctor</c> against the started stack (its config, CA, proxy and domain, 5 s per check), then <paramref name="extra"/>.</summary>
    private protected string[] Doctor(params string[] extra) =>
        ["doctor", "--config", Stack.ConfigPath, "--ca", Stack.CaFile, "--proxy", Stack.ProxyUri.ToString(), "--domain", TestStack.Domain, "--timeout", "5s", .. extra];
}
