using McpTunnel.Testing;

namespace McpTunnel.Proxy.Tests.Infrastructure;

/// <summary>
/// A real Kestrel upstream that guards its Host the way ASP.NET Core apps do: HostFilteringMiddleware with an
/// AllowedHosts list (it answers 400 to any other Host). Behind it, <c>/host</c> answers with the Host and
/// X-Forwarded-Host it received, so a test sees exactly what the proxy sent.
/// </summary>
internal static class HostCheckingUpstream
{
    public static Task<LoopbackServer> StartAsync(params string[] allowedHosts) => LoopbackServer.StartAsync(
        app =>
        {
            // Runs before the endpoint, so a refused Host never reaches /host.
            app.UseHostFiltering();
            app.MapGet("/host", (HttpContext c) => $"{c.Request.Host.Value}|{c.Request.Headers["X-Forwarded-Host"]}");
        },
        builder => builder.Services.AddHostFiltering(o =>
        {
            o.AllowedHosts = allowedHosts;
            o.IncludeFailureMessage = true;
        }));
}
