using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// A real Kestrel upstream that guards its Host the way ASP.NET Core apps do: HostFilteringMiddleware with an
/// AllowedHosts list (it answers 400 to any other Host). Behind it, <c>/host</c> answers with the Host and
/// X-Forwarded-Host it received, so a test sees exactly what the proxy sent.
/// </summary>
internal sealed class HostCheckingUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HostCheckingUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<HostCheckingUpstream> StartAsync(params string[] allowedHosts)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        builder.Services.AddHostFiltering(o =>
        {
            o.AllowedHosts = allowedHosts;
            o.IncludeFailureMessage = true;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseHostFiltering();
        app.UseRouting();
        app.MapGet("/host", (HttpContext c) => $"{c.Request.Host.Value}|{c.Request.Headers["X-Forwarded-Host"]}");
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new HostCheckingUpstream(app, address.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
