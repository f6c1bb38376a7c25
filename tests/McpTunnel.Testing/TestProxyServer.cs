using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;
using McpTunnel.TunnelClient;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Testing;

/// <summary>
/// A real <see cref="ProxyServer"/> inside the test process, the way every test project starts one: no console
/// output, no signal handling (the test owns its lifetime), and never the test runner's own <c>OTEL_*</c> variables
/// unless the test passes some.
/// </summary>
internal static class TestProxyServer
{
    public static async Task<ProxyServer> StartAsync(ProxyConfig config, Action<ILoggingBuilder>? logging = null, TimeProvider? time = null, IReadOnlyDictionary<string, string?>? telemetryEnvironment = null) =>
        await StartAsync(config, new ProxyServerOptions { ConfigureLogging = logging, TimeProvider = time ?? TimeProvider.System, TelemetryEnvironment = telemetryEnvironment });

    /// <summary>With <paramref name="options"/> for what a test sets beyond logging and time (audit, config hash…).</summary>
    /// <param name="configHash">The loaded file's hash, when the test reloads or reads <c>mcptunnel_config_info</c>.</param>
    public static async Task<ProxyServer> StartAsync(ProxyConfig config, ProxyServerOptions options, string? configHash = null)
    {
        var server = ProxyServer.Create(config, options with
        {
            LogToConsole = false,
            HandleStopSignals = false,
            TelemetryEnvironment = options.TelemetryEnvironment ?? new Dictionary<string, string?>(),
        }, configHash);
        await server.StartAsync();
        return server;
    }

    /// <summary>The tunnel listener's WebSocket address, what cloudflared (or the edge stand-in) dials.</summary>
    public static Uri WebSocketUri(this ProxyServer server) => new($"ws://127.0.0.1:{server.ListenUri.Port}/");

    /// <summary>A tunnel client to <paramref name="server"/> trusting only <paramref name="pki"/>'s CA, as the edge does.</summary>
    public static TunnelConnector Connector(this ProxyServer server, TestPki pki) =>
        new(server.WebSocketUri(), new TunnelServerValidator(pki.TrustedCas));

    /// <summary>Stops the server (draining as configured) and releases it.</summary>
    public static async Task StopAndDisposeAsync(this ProxyServer server)
    {
        await server.StopAsync();
        await server.DisposeAsync();
    }
}
