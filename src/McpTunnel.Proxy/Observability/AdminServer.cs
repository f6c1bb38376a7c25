using McpTunnel.Proxy.Listener;
using McpTunnel.Common.Net;
using System.Net;
using McpTunnel.Proxy.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The admin listener on <c>admin_addr</c>: its own small Kestrel server (plain HTTP/1.1), apart from the tunnel
/// listener, so that nothing operational is reachable where the edge's traffic arrives and so that it keeps answering
/// (<c>/readyz</c> → 503 draining) while the tunnel server drains.
/// </summary>
internal sealed class AdminServer : IAsyncDisposable
{
    /// <summary>
    /// How long a connection may sit between requests, and how long a request head may take to arrive. Probes and a
    /// scraper send a short head at once; Kestrel's defaults (130 s and 30 s) let anyone that reaches the port hold
    /// connections for minutes.
    /// </summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly ListenAddress _address;

    private AdminServer(WebApplication app, ListenAddress address)
    {
        _app = app;
        _address = address;
    }

    /// <summary>The bound address once started (port 0 resolved), e.g. <c>http://127.0.0.1:9090</c>.</summary>
    public Uri Uri { get; private set; } = new("http://localhost/");

    public static AdminServer Create(ListenAddress address, AdminEndpoints endpoints)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Logging.ClearProviders(); // failures surface as exceptions from StartAsync; probes are not log lines
        builder.Services.AddSingleton<IHostLifetime, OwnedLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 0;
            // No connection cap: a cap is exactly what a handful of idle sockets fills, after which Kestrel resets every
            // new connection, the liveness probe's included, and a healthy proxy is restarted in a loop. Instead no
            // connection outlives a short silence: each costs a socket and a few KB, for seconds.
            kestrel.Limits.KeepAliveTimeout = IdleTimeout;
            kestrel.Limits.RequestHeadersTimeout = IdleTimeout;
            kestrel.ListenHttp1(address);
        });
        var app = builder.Build();
        app.Run(endpoints.InvokeAsync);
        return new AdminServer(app, address);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new AdminListenException(_address, ex);
        }

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is not null)
        {
            Uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>The admin server ignores process signals: it stops when the proxy it reports on has stopped.</summary>
    private sealed class OwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
