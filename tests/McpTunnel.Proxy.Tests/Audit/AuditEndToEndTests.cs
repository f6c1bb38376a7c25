using System.Net;
using System.Text;
using System.Text.Json;
using McpTunnel.Proxy.Audit;
using McpTunnel.Proxy.Tests.Infrastructure;
using McpTunnel.Testing;

namespace McpTunnel.Proxy.Tests.Audit;

/// <summary>
/// The audit log through real tunnels to a real upstream: one record per request from the same per-request record
/// the metrics use (policy decisions included), chained and verifiable, rotated with the chain carried across files,
/// and never holding a request up when a sink is stuck.
/// </summary>
public sealed class AuditEndToEndTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static Task<HttpStatusCode> PostAsync(HttpClient client, TestProxy proxy, string json, string? session = null) =>
        AuditConfig.PostAsync(client, proxy, json, session, TraceParent);

    [Fact]
    public async Task EachRequest_IsOneChainedRecord_WithTheDecision_AndNeverTheArgumentsOrTheSessionId()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(path));
        var configSha256 = AuditConfig.Sha256Of(proxy.ConfigPath);
        var client = proxy.CreateClient();

        var allowed = await PostAsync(client, proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"q":"argument-canary-4411"}}}""", session: "session-canary-7788");
        var denied = await PostAsync(client, proxy, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete_all"}}""");
        using (var get = await client.GetAsync(proxy.UrlFor("echo", "/echo")))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        await proxy.DisposeAsync();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (allowed, denied));
        var text = await File.ReadAllTextAsync(path);
        Assert.DoesNotContain("argument-canary-4411", text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-canary-7788", text, StringComparison.Ordinal);
        var records = AuditConfig.Records(path);
        Assert.Equal(["anchor", "request", "request", "request"], records.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal([0L, 1, 2, 3], records.Select(r => r.GetProperty("seq").GetInt64()));

        var anchor = records[0];
        Assert.StartsWith("mcp-proxy ", anchor.GetProperty("proxy").GetString(), StringComparison.Ordinal);
        Assert.Equal(configSha256, anchor.GetProperty("config_sha256").GetString());

        var call = records[1];
        Assert.Equal("echo", call.GetProperty("route").GetString());
        Assert.Equal("tools/call", call.GetProperty("mcp_method").GetString());
        Assert.Equal("search", call.GetProperty("name").GetString());
        Assert.Equal("allowed", call.GetProperty("decision").GetString());
        Assert.Equal(200, call.GetProperty("status").GetInt32());
        Assert.Equal("ok", call.GetProperty("outcome").GetString());
        Assert.True(call.GetProperty("bytes_in").GetInt64() > 50);
        Assert.True(call.GetProperty("bytes_out").GetInt64() > 50);
        Assert.Equal(16, call.GetProperty("session").GetString()!.Length);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", call.GetProperty("trace_id").GetString());
        Assert.Equal("127.0.0.1", call.GetProperty("caller").GetString());

        var refusal = records[2];
        Assert.Equal(("delete_all", "denied", "policy.echo.tools.deny[0] \"delete_*\""), (refusal.GetProperty("name").GetString(), refusal.GetProperty("decision").GetString(), refusal.GetProperty("rule").GetString()));
        Assert.Equal(("GET", JsonValueKind.Undefined), (records[3].GetProperty("http_method").GetString(), records[3].TryGetProperty("mcp_method", out var none) ? none.ValueKind : JsonValueKind.Undefined));

        AuditConfig.AssertChainVerifies([path], 4);
    }

    [Fact]
    public async Task ArgumentsRedacted_RecordsTheValuesButNotTheRedactedOnes()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(path, "  arguments: redacted"));

        await PostAsync(proxy.CreateClient(), proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"q":"printers","api_key":"secret-canary-3317"}}}""");
        await proxy.DisposeAsync();

        Assert.DoesNotContain("secret-canary-3317", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        Assert.Equal("""{"q":"printers","api_key":"[redacted]"}""", AuditConfig.Records(path)[1].GetProperty("arguments").GetRawText());
    }

    [Fact]
    public async Task SmallMaxSize_RotatesIntoSeveralFiles_EachStartingWithAnAnchor_AndTheSetVerifies()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(path, "    max_size: 4096"));
        var client = proxy.CreateClient();
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await PostAsync(client, proxy, $$$"""{"jsonrpc":"2.0","id":{{{i}}},"method":"tools/call","params":{"name":"search"}}"""));
        }

        await proxy.DisposeAsync();

        var files = AuditConfig.Files(path);
        Assert.True(files.Count >= 3, $"only {files.Count} files");
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 4096, $"{f} is {new FileInfo(f).Length} bytes"));
        Assert.All(files, f => Assert.Equal("anchor", AuditConfig.Records(f)[0].GetProperty("type").GetString()));
        if (OperatingSystem.IsLinux())
        {
            foreach (var file in files)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        var all = AuditConfig.Bytes(files);
        var verified = AuditChainVerifier.Verify(all);
        Assert.True(verified.Ok, verified.Problem?.Message);
        Assert.Equal(40 + files.Count, verified.Records);

        all.RemoveAt(1);
        var gap = AuditChainVerifier.Verify(all);
        Assert.Equal(("removed", files[2]), (gap.Problem!.Kind, gap.Problem.Location.File));
    }

    [Fact]
    public async Task RestartedProxy_StartsANewFileThatContinuesTheChain()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        for (var run = 0; run < 2; run++)
        {
            var proxy = await TestProxy.StartForUpstreamAsync(upstream, AuditConfig.Yaml(path));
            Assert.Equal(HttpStatusCode.OK, await PostAsync(proxy.CreateClient(), proxy, """{"jsonrpc":"2.0","id":1,"method":"ping"}"""));
            await proxy.DisposeAsync();
        }

        var files = AuditConfig.Files(path);
        Assert.True(2 == files.Count, string.Join("\n", files.Select(f => f + ":\n" + File.ReadAllText(f))));
        AuditConfig.AssertChainVerifies(files, 4);
        Assert.Equal(2, AuditConfig.Records(path)[0].GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task StuckSink_NeverHoldsARequest_DropsAreCountedAndRecordedInTheChain()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var upstream = await TestUpstream.StartAsync();
        using var stdout = new GatedWriter();
        var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}",
            "admin_addr: \"127.0.0.1:0\"\n" + AuditConfig.Yaml(path, "  stdout: true\n  queue_size: 2"),
            auditStdout: stdout);
        var client = proxy.CreateClient();
        stdout.Block(); // from here the stdout sink blocks the writer until released

        for (var i = 0; i < 30; i++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.OK, await PostAsync(client, proxy, """{"jsonrpc":"2.0","id":1,"method":"ping"}""").WaitAsync(timeout.Token));
        }

        var metrics = await AdminScrape.MetricsAfterRequestsAsync(proxy, 30);
        var dropped = AdminScrape.Value(metrics, "mcptunnel_audit_records_dropped_total{sink=\"queue\"}");
        Assert.True(dropped >= 20, $"dropped {dropped}");
        Assert.True(proxy.Logs.Contains("audit records dropped"), "the drop was not logged");

        stdout.Release();
        await proxy.DisposeAsync();

        var records = AuditConfig.Records(path);
        var recordedDrops = records.Where(r => r.GetProperty("type").GetString() == "dropped").Sum(r => r.GetProperty("count").GetInt64());
        Assert.Equal(dropped, recordedDrops);
        Assert.Equal(30, records.Count(r => r.GetProperty("type").GetString() == "request") + recordedDrops);
        var verified = AuditChainVerifier.Verify([new AuditFileBytes(path, await File.ReadAllBytesAsync(path))]);
        Assert.True(verified.Ok, verified.Problem?.Message);
        Assert.Equal(File.ReadAllText(path), stdout.ToString()); // stdout got the same chained lines
    }

    [Fact]
    public async Task OtlpSink_SendsTheSameChainedLinesAsLogRecords_ToAnOtlpReceiver()
    {
        using var directory = new TempDirectory();
        var path = directory.File("audit.jsonl");
        await using var receiver = await OtlpReceiver.StartAsync(OtlpReceiver.Logs);
        await using var upstream = await TestUpstream.StartAsync();
        var proxy = await TestProxy.StartAsync(
            $"echo: http://127.0.0.1:{upstream.Port}",
            AuditConfig.Yaml(path, "  otlp: true"),
            telemetryEnvironment: receiver.ExporterEnvironment);

        Assert.Equal(HttpStatusCode.OK, await PostAsync(proxy.CreateClient(), proxy, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"delete_all"}}"""));
        await proxy.DisposeAsync(); // stopping flushes the exporter

        var exported = receiver.Bytes();
        foreach (var line in File.ReadAllLines(path))
        {
            Assert.True(exported.AsSpan().IndexOf(Encoding.UTF8.GetBytes(line)) >= 0, $"not exported: {line}");
        }

        foreach (var attribute in new[] { "mcptunnel_policy_decision", "denied", "McpTunnel.Audit" })
        {
            Assert.True(exported.AsSpan().IndexOf(Encoding.UTF8.GetBytes(attribute)) >= 0, $"\"{attribute}\" is not in the exported log records");
        }
    }

    /// <summary>A stdout whose writes wait while it is closed, as a pipe nobody reads does.</summary>
    private sealed class GatedWriter : StringWriter
    {
        private readonly ManualResetEventSlim _open = new(true);

        public void Block() => _open.Reset();

        public void Release() => _open.Set();

        public override void Write(string? value)
        {
            _open.Wait();
            lock (this)
            {
                base.Write(value);
            }
        }

        public override string ToString()
        {
            lock (this)
            {
                return base.ToString();
            }
        }

        protected override void Dispose(bool disposing)
        {
            _open.Dispose();
            base.Dispose(disposing);
        }
    }
}
