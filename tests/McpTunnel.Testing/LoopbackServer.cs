using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace McpTunnel.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a port the system picks, for the upstreams and fakes the tests talk to.
/// The caller maps its endpoints (and, when it needs them, services); this class owns only what every such server
/// repeats: the empty builder with Kestrel and routing, no logging, the listen socket (plain or TLS), reading back
/// the bound port, and stopping.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>, or <c>https://localhost:PORT/</c> when serving TLS.</summary>
    public Uri BaseUri { get; }

    public int Port => BaseUri.Port;

    public IServiceProvider Services => _app.Services;

    /// <summary>A server running one handler for every request.</summary>
    public static Task<LoopbackServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null, int port = 0) =>
        StartAsync(app => app.Run(handler), certificate: certificate, port: port);

    /// <summary>A server whose endpoints <paramref name="map"/> adds; <paramref name="configure"/> adds services and Kestrel limits.</summary>
    public static async Task<LoopbackServer> StartAsync(
        Action<WebApplication> map,
        Action<WebApplicationBuilder>? configure = null,
        X509Certificate2? certificate = null,
        int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Services.AddRouting();
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseRouting();
        map(app);
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var baseUri = certificate is null ? new Uri($"http://127.0.0.1:{bound}/") : new Uri($"https://localhost:{bound}/");
        return new LoopbackServer(app, baseUri);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
