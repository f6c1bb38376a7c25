using System.Net;
using System.Text;
using McpTunnel.Proxy.Audit;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Observability;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpTunnel.Proxy.Tests.Audit;

/// <summary>
/// <c>mcptunnel_audit_records_dropped_total</c> is a Prometheus counter: it may never go down, or every rate() over
/// it shows a reset. A reload that replaces the audit log must keep counting the old log's drops while that log is
/// still writing what it holds, not only once it has closed.
/// </summary>
public sealed class AuditDropCounterTests
{
    private static RequestObservation Observation() =>
        new(new RequestTelemetry(null, tracing: false), "echo", "POST", new McpRequestInfo(), null, null, DateTimeOffset.UtcNow, IPAddress.Loopback);

    private static long QueueDrops(AuditSwitch audit) => audit.DroppedRecords.Single(d => d.Key == "queue").Value;

    [Fact]
    public async Task ReloadReplacingALogThatIsStillDraining_KeepsItsDropsInTheCounter_BeforeAndAfterItCloses()
    {
        using var stdout = new GatedWriter();
        var settings = new AuditSettings { Stdout = true, QueueSize = 1 };
        var audit = new AuditSwitch(settings, null, (s, sha) => new AuditLog(s, "mcp-proxy test", sha, TimeProvider.System, NullLogger.Instance, new Dictionary<string, string?>(), stdout));
        audit.Start(); // the start anchor is written on this thread, before the gate closes
        stdout.Block();

        audit.Record(Observation()); // the writer takes it and blocks on stdout
        Assert.True(stdout.Entered.Wait(TimeSpan.FromSeconds(15)), "the audit writer never reached stdout");
        audit.Record(Observation()); // fills the queue of one
        audit.Record(Observation()); // refused: dropped
        audit.Record(Observation()); // refused: dropped
        Assert.Equal(2, QueueDrops(audit));

        var reload = audit.ApplyAsync(settings with { Arguments = AuditArguments.Shapes }, null); // waits for the blocked writer
        Assert.False(reload.IsCompleted);
        Assert.Equal(2, QueueDrops(audit)); // the replaced log is draining: its drops still count

        stdout.Release();
        await reload;
        Assert.Equal(2, QueueDrops(audit)); // folded into the retired total, once
        await audit.DisposeAsync();
        Assert.Equal(2, QueueDrops(audit));
    }

    /// <summary>A stdout whose writes block while the gate is closed, and that says when a write is waiting.</summary>
    private sealed class GatedWriter : TextWriter
    {
        private readonly ManualResetEventSlim _gate = new(true);

        public ManualResetEventSlim Entered { get; } = new(false);

        public override Encoding Encoding => Encoding.UTF8;

        public void Block() => _gate.Reset();

        public void Release() => _gate.Set();

        public override void Write(char value) => Wait();

        public override void Write(string? value) => Wait();

        private void Wait()
        {
            if (!_gate.IsSet)
            {
                Entered.Set();
                _gate.Wait(TimeSpan.FromSeconds(30));
            }
        }

        protected override void Dispose(bool disposing)
        {
            _gate.Set();
            if (disposing)
            {
                _gate.Dispose();
                Entered.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
