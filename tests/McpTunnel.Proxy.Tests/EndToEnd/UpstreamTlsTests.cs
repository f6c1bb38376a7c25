using System.Net;
using McpTunnel.Pki.Issuing;
using McpTunnel.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpTunnel.Proxy.Tests.EndToEnd;

/// <summary>https upstreams are verified against upstream.tls.ca_file; no trust anchor, no connection.</summary>
public sealed class UpstreamTlsTests
{
    [Fact]
    public async Task HttpsUpstream_TrustedByCaFile_IsForwarded_WithItsOwnNameAsHost()
    {
        using var upstreamCa = CertificateAuthority.Create();
        await using var upstream = await StartHttpsUpstreamAsync(upstreamCa);
        var caFile = Path.Combine(Path.GetTempPath(), $"upstream-ca-{Guid.NewGuid():N}.crt");
        await File.WriteAllTextAsync(caFile, upstreamCa.CertificatePem);
        try
        {
            await using var proxy = await TestProxy.StartAsync(
                $"secure: https://localhost:{upstream.Port}",
                $"upstream:\n  allowed_ips: [127.0.0.0/8]\n  tls:\n    ca_file: {caFile}\n");

            using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("secure", "/x"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"host=localhost:{upstream.Port} xfh={proxy.HostFor("secure")}", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task HttpsUpstream_WithoutTrustAnchor_Gets502AndIsLogged()
    {
        using var upstreamCa = CertificateAuthority.Create();
        await using var upstream = await StartHttpsUpstreamAsync(upstreamCa);
        await using var proxy = await TestProxy.StartAsync($"secure: https://localhost:{upstream.Port}");

        using var response = await proxy.CreateClient().GetAsync(proxy.UrlFor("secure", "/x"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("Upstream TLS handshake failed", await response.Content.ReadAsStringAsync());
        var failure = await proxy.Logs.WaitForMessageAsync("upstream request failed");
        Assert.Equal("UpstreamTlsFailed", failure.Fields["outcome"]);
    }

    private static async Task<HttpsUpstream> StartHttpsUpstreamAsync(CertificateAuthority ca)
    {
        var issued = ca.IssueServerCertificate(new ServerCertificateRequest("localhost") { DnsNames = ["localhost"] });
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(issued.ToX509Certificate2())));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(c => c.Response.WriteAsync($"host={c.Request.Host} xfh={c.Request.Headers["X-Forwarded-Host"]}"));
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return new HttpsUpstream(app, port);
    }

    private sealed record HttpsUpstream(WebApplication App, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
