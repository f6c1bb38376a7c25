using System.Net;
using System.Text;
using System.Text.Json;
using McpTunnel.Proxy.Audit;
using McpTunnel.Proxy.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Proxy.Tests.Audit;

/// <summary>
/// Audit settings reload with the rest of the config: every reload puts an anchor naming the new config into the chain,
/// changed settings take effect from the next request with the chain continuing across the change (same file or
/// another), no record is lost to a reload under load, and only turning audit on in a proxy started without it waits
/// for a restart.
/// </summary>
public sealed class AuditReloadTests
{
    private static Task<HttpStatusCode> CallAsync(HttpClient client, TestProxy proxy, int id, string argument = "plain") =>
        AuditConfig.PostAsync(client, proxy, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"q\":\"" + argument + "\",\"token\":\"reload-canary-9041\"}}}");

    private static void Reload(TestProxy proxy, Func<string, string> edit)
    {
        File.WriteAllText(proxy.ConfigPath, edit(File.ReadAllText(proxy.ConfigPath)));
        var outcome = proxy.Server.ReloadConfig("test")!;
        Assert.True(outcome.Applied, string.Join("; ", outcome.Errors.Select(e => e.ToString())));
    }

    [Fact]
    public async Task ReloadWithTheSameAuditSettings_PutsAnAnchorNamingTheNewConfigBetweenTheRecords()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(path));
        var client = proxy.CreateClient();
        var started = AuditConfig.Sha256Of(proxy.ConfigPath);

        await CallAsync(client, proxy, 1);
        Reload(proxy, yaml => yaml.Replace("delete_*", "remove_*", StringComparison.Ordinal));
        var reloaded = AuditConfig.Sha256Of(proxy.ConfigPath);
        await CallAsync(client, proxy, 2);
        await proxy.DisposeAsync();

        var records = AuditConfig.Records(path);
        Assert.Equal(["anchor", "request", "anchor", "request"], records.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal(("start", started), (records[0].GetProperty("reason").GetString(), records[0].GetProperty("config_sha256").GetString()));
        Assert.Equal(("reload", reloaded), (records[2].GetProperty("reason").GetString(), records[2].GetProperty("config_sha256").GetString()));
        Assert.NotEqual(started, reloaded);
        AuditConfig.AssertChainVerifies([path], 4);
    }

    [Fact]
    public async Task ReloadTurningArgumentsOn_RecordsThemFromTheNextRequest_AndTheChainContinuesIntoTheNextFile()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(path));
        var client = proxy.CreateClient();

        await CallAsync(client, proxy, 1, "before");
        Reload(proxy, yaml => yaml + "  arguments: redacted\n");
        await CallAsync(client, proxy, 2, "after");
        await proxy.DisposeAsync();

        // The old log closed its file; the new one set it aside and began the live file with a reload anchor.
        var files = AuditConfig.Files(path);
        Assert.Equal(2, files.Count);
        var before = AuditConfig.Records(files[0]);
        var after = AuditConfig.Records(files[1]);
        Assert.Equal(["anchor", "request"], before.Select(r => r.GetProperty("type").GetString()));
        Assert.False(before[1].TryGetProperty("arguments", out _));
        Assert.Equal(["anchor", "request"], after.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal("reload", after[0].GetProperty("reason").GetString());
        Assert.Equal(2, after[0].GetProperty("seq").GetInt64());
        Assert.Equal("""{"q":"after","token":"[redacted]"}""", after[1].GetProperty("arguments").GetRawText());
        Assert.DoesNotContain("reload-canary-9041", File.ReadAllText(files[0]) + File.ReadAllText(files[1]), StringComparison.Ordinal);
        AuditConfig.AssertChainVerifies(files, 4);
    }

    [Fact]
    public async Task ReloadMovingTheFile_ContinuesTheChainInTheNewPath()
    {
        using var directory = new TempDirectory();
        var first = directory.File("first.jsonl");
        var second = directory.File("second.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(first));
        var client = proxy.CreateClient();

        await CallAsync(client, proxy, 1);
        Reload(proxy, yaml => yaml.Replace(first, second, StringComparison.Ordinal));
        await CallAsync(client, proxy, 2);
        await proxy.DisposeAsync();

        Assert.Equal(2, AuditConfig.Records(first).Count); // anchor, request: nothing after the move
        var moved = AuditConfig.Records(second);
        Assert.Equal(["anchor", "request"], moved.Select(r => r.GetProperty("type").GetString()));
        AuditConfig.AssertChainVerifies([first, second], 4);
    }

    [Fact]
    public async Task ReloadRemovingAudit_StopsRecording_AndPuttingItBack_ContinuesTheSameChain()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(path));
        var client = proxy.CreateClient();
        var audited = File.ReadAllText(proxy.ConfigPath);

        await CallAsync(client, proxy, 1);
        Reload(proxy, yaml => yaml[..yaml.IndexOf("audit:", StringComparison.Ordinal)]);
        await CallAsync(client, proxy, 2); // not recorded: audit is off
        Reload(proxy, _ => audited);
        await CallAsync(client, proxy, 3);
        await proxy.DisposeAsync();

        var files = AuditConfig.Files(path);
        var records = files.SelectMany(AuditConfig.Records).ToList();
        Assert.Equal(["anchor", "request", "anchor", "request"], records.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal("reload", records[2].GetProperty("reason").GetString());
        AuditConfig.AssertChainVerifies(files, 4);
    }

    [Fact]
    public async Task RecordReachingTheReplacedLogAfterItClosed_IsWrittenByTheLogThatReplacedIt()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        var settings = new McpTunnel.Proxy.Configuration.AuditSettings { File = new McpTunnel.Proxy.Configuration.AuditFileSettings(path) };
        var audit = new AuditSwitch(settings, null, (s, sha) => new AuditLog(s, "mcp-proxy test", sha, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, new Dictionary<string, string?>()));
        audit.Start();
        var replaced = audit.Current!;

        await audit.ApplyAsync(settings with { Arguments = McpTunnel.Proxy.Configuration.AuditArguments.Shapes }, null);
        // A request that picked the old log just before the swap hands its record over once the old queue is closed.
        replaced.Record(new McpTunnel.Proxy.Observability.RequestObservation(
            new McpTunnel.Proxy.Observability.RequestTelemetry(null, tracing: false), "echo", "POST", new McpTunnel.Proxy.Observability.McpRequestInfo(), null, null, DateTimeOffset.UtcNow, IPAddress.Loopback));
        await audit.DisposeAsync();

        var records = AuditConfig.Files(path).SelectMany(AuditConfig.Records).ToList();
        Assert.Equal(["anchor", "anchor", "request"], records.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal(0, audit.DroppedRecords.Sum(d => d.Value));
    }

    [Fact]
    public async Task ReloadsChangingTheSettingsUnderLoad_LoseNoRecord_AndTheChainVerifies()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(path));
        var client = proxy.CreateClient(http2: true);
        var plain = File.ReadAllText(proxy.ConfigPath);
        const int Requests = 400;
        var next = 0;

        var load = Enumerable.Range(0, 8).Select(async _ =>
        {
            var failed = 0;
            for (var id = Interlocked.Increment(ref next); id <= Requests; id = Interlocked.Increment(ref next))
            {
                failed += await CallAsync(client, proxy, id) == HttpStatusCode.OK ? 0 : 1;
            }

            return failed;
        }).ToList();
        var reloads = 0;
        while (Volatile.Read(ref next) < Requests)
        {
            // Alternate the settings (a new log each time) and the same settings (an anchor), while requests run.
            Reload(proxy, _ => reloads % 2 == 0 ? plain + "  arguments: shapes\n" : plain);
            reloads++;
            await Task.Yield();
        }

        var failures = (await Task.WhenAll(load)).Sum();
        await proxy.DisposeAsync();

        Assert.Equal(0, failures);
        Assert.True(reloads >= 2, $"only {reloads} reloads ran during the load");
        var files = AuditConfig.Files(path);
        var records = files.SelectMany(AuditConfig.Records).ToList();
        Assert.Equal(Requests, records.Count(r => r.GetProperty("type").GetString() == "request"));
        Assert.DoesNotContain(records, r => r.GetProperty("type").GetString() == "dropped");
        Assert.Equal(1 + reloads, records.Count(r => r.GetProperty("type").GetString() == "anchor"));
        AuditConfig.AssertChainVerifies(files, records.Count);
    }

    [Fact]
    public async Task ProxyStartedWithoutAudit_ReloadAddingIt_IsRefusedNamingAudit_AndTheRunningConfigStays()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var client = proxy.CreateClient();

        File.WriteAllText(proxy.ConfigPath, File.ReadAllText(proxy.ConfigPath) + $"audit:\n  file:\n    path: {path}\n");
        var outcome = proxy.Server.ReloadConfig("test")!;
        var status = await CallAsync(client, proxy, 1);
        await proxy.DisposeAsync();

        Assert.False(outcome.Applied);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal("audit", error.Field);
        Assert.Contains("started without audit", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(File.Exists(path));
    }
}
