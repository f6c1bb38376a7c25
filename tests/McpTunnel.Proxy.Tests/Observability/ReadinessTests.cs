using McpTunnel.Proxy.Observability;
using McpTunnel.Proxy.Tests.Infrastructure;
using McpTunnel.Proxy.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Observability;

public sealed class ReadinessTests
{
    [Fact]
    public void Readiness_BeforeListening_DuringDrain_AndServing_SaysWhy()
    {
        using var pki = new TestPki();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var certificates = CertificateStore.Load(new McpTunnel.Proxy.Configuration.TlsSettings(pki.CertFile, pki.KeyFile), NullLogger.Instance, time);
        using var draining = new CancellationTokenSource();
        var readiness = new Readiness(certificates, time, draining.Token);

        Assert.Equal("the tunnel listener is not bound yet", readiness.NotReadyReason());
        readiness.MarkListening();
        Assert.Null(readiness.NotReadyReason());
        draining.Cancel();
        Assert.Equal("draining: the proxy is shutting down", readiness.NotReadyReason());
    }
}
