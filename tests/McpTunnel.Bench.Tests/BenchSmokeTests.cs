using System.Text.RegularExpressions;
using McpTunnel.Bench;

namespace McpTunnel.Bench.Tests;

/// <summary>CI runs the harness only in smoke mode, to keep it working; the figures mean nothing here.</summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task SmokeRun_AllParts_WritesReportAndCharts()
    {
        var directory = Directory.CreateTempSubdirectory("mcptunnel-bench-test-").FullName;
        try
        {
            // nginx is skipped (and the output says so) when it is not installed; in process keeps CI free of child processes.
            // --proxy-env cannot reach a proxy in process: the run must say it ignored it rather than pretend.
            // More idle streams than idle tunnels: the stream part opens and uses the missing tunnels first.
            var options = BenchOptions.ForSmoke(directory) with { Handshakes = 10, IdleCounts = [20], IdleStreams = 30, ProxyEnvironment = [new("DOTNET_gcServer", "1")], Variants = [ProxyVariant.Metrics, PolicyVariant()] };
            using var log = new StringWriter();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

            var results = await BenchRunner.RunAsync(options, "mcptunnel-bench --smoke", log, timeout.Token);

            var report = await File.ReadAllTextAsync(Path.Combine(directory, "report.md"));
            Assert.Equal(2, results.RequestResponse.Count);
            Assert.All(results.RequestResponse, rr => Assert.True(rr.Closed.Values.All(runs => runs.All(r => r.Errors == 0 && r.Histogram.Count > 0))));
            Assert.Contains("| tunnel h1.1 |", report, StringComparison.Ordinal);
            Assert.Contains("| tunnel h2 |", report, StringComparison.Ordinal);
            // --metrics-ab: the telemetry-on proxy is measured beside the plain one, error-free, and compared.
            Assert.Contains("| tunnel+metrics h1.1 |", report, StringComparison.Ordinal);
            Assert.All(results.RequestResponse, rr => Assert.Contains(rr.Targets, t => t.Kind == "tunnel+metrics"));
            Assert.Contains("Metrics and MCP awareness on (admin_addr set) ÷ plain tunnel: throughput", report, StringComparison.Ordinal);
            // --variant policy=docs/bench/variants/policy.yaml: the shipped fragment loads, and every call passes the
            // policy (errors 0 above), so what the comparison shows is the cost of checking, not of refusing.
            Assert.Contains("| tunnel+policy h2 |", report, StringComparison.Ordinal);
            Assert.Contains("Variant policy (policy.yaml) ÷ plain tunnel: throughput", report, StringComparison.Ordinal);
            // The targets table is the targets file's: every target is a row, measured or said not to be.
            Assert.Contains("## Targets", report, StringComparison.Ordinal);
            Assert.Contains("| SSE added latency per event p99 ≤ 1 ms (p99 − direct p99) | tunnel h1.1: ", report, StringComparison.Ordinal);
            Assert.Contains("| ≤ 16 KB per idle tunnel at 10k tunnels (fresh: handshake only) | not measured in this run | n/a |", report, StringComparison.Ordinal);
            var idle = Assert.Single(results.Idle!);
            Assert.Equal(20, idle.Rows[0].Tunnels);
            Assert.Equal(0, idle.Rows[0].Failed); // every idle tunnel opened and answered its one request
            Assert.Contains("KB per tunnel (after one request)", report, StringComparison.Ordinal);

            // Every idle SSE stream got its headers and its one event, through the tunnel and directly.
            var streams = idle.Streams!;
            Assert.Equal((30, 0, 30, 0), (streams.Streams, streams.Failed, streams.DirectStreams, streams.DirectFailed));
            Assert.Contains("| idle SSE streams | path | RSS delta MiB | KB per idle stream (RSS) | KB per idle stream (managed heap) | failed |", report, StringComparison.Ordinal);
            Assert.Matches(new Regex(@"^\| 30 \| tunnel \(mcp-proxy\) \| -?\d+\.\d \| -?\d+\.\d \| n/a \| 0 \|$", RegexOptions.Multiline), report);
            Assert.Matches(new Regex(@"^\| 30 \| direct \(upstream \+ client\) \| n/a \| n/a \| -?\d+\.\d \| 0 \|$", RegexOptions.Multiline), report);
            Assert.Contains("SSE streams", log.ToString(), StringComparison.Ordinal);
            Assert.All(results.Handshakes!, h => Assert.Equal(10, h.Done));
            // A new tunnel carrying one MCP request before it closes, full and resumed: every one answered.
            Assert.Single(results.Handshakes!, h => h.Peer == HandshakePeer.Tunnel && h.Mode == HandshakeMode.FullWithRequest);
            Assert.Single(results.Handshakes!, h => h.Peer == HandshakePeer.Tunnel && h.Mode == HandshakeMode.ResumedWithRequest);
            Assert.Contains("| resumed (session ticket) + one MCP request + close | tunnel (mcp-proxy) |", report, StringComparison.Ordinal);
            Assert.Empty(results.Startup!); // the start part needs a proxy of its own: skipped in process, and says so
            Assert.Contains("start   skipped", log.ToString(), StringComparison.Ordinal);
            Assert.StartsWith("<svg", await File.ReadAllTextAsync(Path.Combine(directory, "latency-closed.svg")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(directory, "latency-open.svg")));
            Assert.Contains("--proxy-env ignored", log.ToString(), StringComparison.Ordinal);
            Assert.Contains("proxy in process (--proxy-env ignored)", report, StringComparison.Ordinal);

            // CPU per request: the in-process proxy's CPU cannot be told apart from the client's, so it is n/a, never a number.
            Assert.Contains("| server CPU µs/req | client+upstream CPU µs/req |", report, StringComparison.Ordinal);
            Assert.Contains("Server CPU per request, tunnel ÷ nginx: n/a (proxy in process", report, StringComparison.Ordinal);
            foreach (var rr in results.RequestResponse)
            {
                var tunnel = rr.Targets.First(t => t.Kind == "tunnel").Name;
                Assert.True(double.IsNaN(rr.MedianServerCpuPerRequest(tunnel)));
                Assert.True(rr.MedianClientCpuPerRequest(tunnel) > 0);
                Assert.Matches(new Regex($@"^\| {Regex.Escape(tunnel)} \|.*\| n/a \| \d+ \|$", RegexOptions.Multiline), report);
                Assert.Equal(0, rr.MedianServerCpuPerRequest("direct h1.1"));
                if (rr.Targets.FirstOrDefault(t => t.Kind == "nginx") is { } nginx)
                {
                    Assert.True(rr.MedianServerCpuPerRequest(nginx.Name) > 0, "nginx master + workers used no CPU");
                }
            }

            if (NginxPeer.FindBinary() is null)
            {
                Assert.Contains("nginx is not installed", log.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(results.Handshakes!, h => h.Peer == HandshakePeer.NginxTlsOnly);
            }
            else
            {
                var reference = Assert.Single(results.Handshakes!, h => h.Peer == HandshakePeer.NginxTlsOnly);
                Assert.Equal(Pki.Issuing.KeyAlgorithm.EcdsaP256, reference.Algorithm);
                Assert.True(reference.PerCpuSecond > 0, "nginx used no CPU for the TLS-only reference");
                Assert.Contains("| nginx TLS only (reference) | EcdsaP256 |", report, StringComparison.Ordinal);
                Assert.Contains("nginx TLS-only reference", report, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task HandshakePart_TwoProxyBinaries_MeasuresEachBuildInItsOwnRows()
    {
        var directory = Directory.CreateTempSubdirectory("mcptunnel-bench-test-").FullName;
        try
        {
            // The same build twice, as child processes: what a comparison of two builds runs, in one command.
            var dll = ProxyHost.FindProxyDll() ?? throw new InvalidOperationException("mcp-proxy.dll is not next to the tests");
            var options = BenchOptions.ForSmoke(directory) with
            {
                Parts = new HashSet<BenchPart> { BenchPart.Handshake }, Handshakes = 10, ProxyOutOfProcess = true, ProxyBinaries = [dll, dll], UseNginx = false,
            };
            using var log = new StringWriter();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));

            var results = await BenchRunner.RunAsync(options, "mcptunnel-bench --smoke --parts handshake", log, timeout.Token);

            var report = await File.ReadAllTextAsync(Path.Combine(directory, "report.md"));
            foreach (var proxy in new[] { "tunnel", "tunnel+bin2" })
            {
                var rows = results.Handshakes!.Where(h => h.Peer == HandshakePeer.Tunnel && h.Proxy == proxy).ToList();
                // Three key types with a full handshake, and the two one-request rows with ECDSA, every tunnel opened.
                Assert.Equal(5, rows.Count);
                Assert.All(rows, h => Assert.Equal((10, 0), (h.Done, h.Failed)));
                Assert.All(rows, h => Assert.True(h.PerCpuSecond > 0, $"{proxy} {h.Algorithm} {h.Mode}: no proxy CPU measured"));
                Assert.Contains($"| {proxy} (mcp-proxy) | EcdsaP256 |", report, StringComparison.Ordinal);
                Assert.Contains($"| resumed (session ticket) + one MCP request + close | {proxy} (mcp-proxy) |", report, StringComparison.Ordinal);
            }

            Assert.Contains($"tunnel+bin2 = `{dll}`", report, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ProxyBinary_Repeated_ParsesEveryBinaryInOrder_AndIdleStreamsIsAnOption()
    {
        var parse = BenchCommand.Create().Parse(["--parts", "idle", "--idle-streams", "500", "--proxy-binary", "/a/mcp-proxy.dll", "--proxy-binary", "/b/mcp-proxy.dll"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(["/a/mcp-proxy.dll", "/b/mcp-proxy.dll"], parse.GetValue<string[]>("--proxy-binary")!);
        Assert.Equal(500, parse.GetValue<int>("--idle-streams"));
    }

    [Theory]
    [InlineData("--parts item 'foo' is not one of start, rr, sse, bulk, handshake, idle", "--parts", "rr,foo")]
    [InlineData("--idle-counts expects comma-separated positive whole numbers such as 1000,5000, got 'x'", "--idle-counts", "1000,x")]
    public void ListOption_UnknownItem_IsAParseErrorNamingIt(string expected, params string[] args)
    {
        var error = Assert.Single(BenchCommand.Create().Parse(args).Errors);

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void ProxyEnv_WithoutEquals_IsAParseErrorNamingTheOption()
    {
        var parse = BenchCommand.Create().Parse(["--proxy-env", "DOTNET_gcServer=1", "--proxy-env", "FOO"]);

        var error = Assert.Single(parse.Errors);
        Assert.Contains("--proxy-env", error.Message, StringComparison.Ordinal);
        Assert.Contains("'FOO'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=1")]
    [InlineData("1X=1")]
    [InlineData("A-B=1")]
    public void ProxyEnv_InvalidName_IsRejectedNamingTheOption(string assignment)
    {
        Assert.False(BenchCommand.TryParseProxyEnvironment([assignment], out _, out var error));
        Assert.StartsWith("--proxy-env", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ProxyEnv_SameNameTwice_IsRejected()
    {
        Assert.False(BenchCommand.TryParseProxyEnvironment(["A=1", "A=2"], out _, out var error));
        Assert.Contains("A more than once", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ProxyEnv_ValidAssignments_KeepOrderAndEverythingAfterTheFirstEquals()
    {
        Assert.True(BenchCommand.TryParseProxyEnvironment(["DOTNET_gcServer=1", "OPTS=a=b", "EMPTY="], out var variables, out var error), error);

        Assert.Equal([new("DOTNET_gcServer", "1"), new("OPTS", "a=b"), new KeyValuePair<string, string>("EMPTY", "")], variables);
        Assert.Empty(BenchCommand.Create().Parse(["--proxy-env", "DOTNET_gcServer=1", "--proxy-env", "OPTS=a=b"]).Errors);
    }

    [Fact]
    public void ProcStat_CommandNameWithSpacesAndParentheses_ParsesParentAndCpuTicks()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
        var (parent, ticks) = ProcessTreeCpu.ParseStat("4242 (nginx: worker (x) ) S 4241 4241 4241 0 -1 4194624 10 0 0 0 37 5 0 0 20 0 1 0 100 0\n");

        Assert.Equal(4241, parent);
        Assert.Equal(42, ticks);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(1_000)]
    [InlineData(1_234_567)]
    [InlineData(987_654_321_000)]
    public void Histogram_BucketHoldsTheValue_WithinThreePercent(long value)
    {
        var index = LatencyHistogram.IndexOf(value);
        var upper = LatencyHistogram.UpperBound(index);

        Assert.InRange(value, 0, upper);
        Assert.True(upper - value <= Math.Max(1, value / 32), $"{value} → bucket upper bound {upper}");
    }

    [Fact]
    public void Histogram_Percentiles_FollowTheRecordedValues()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++)
        {
            histogram.Record(i * 1_000_000L); // 1..1000 ms
        }

        Assert.InRange(histogram.PercentileMs(50), 500, 500 * 1.04);
        Assert.InRange(histogram.PercentileMs(99), 990, 990 * 1.04);
        Assert.Equal(1000, histogram.PercentileMs(100), 3);
    }

    [Theory]
    [InlineData("policy", "NAME=FILE")]
    [InlineData("=x.yaml", "NAME=FILE")]
    [InlineData("bad name=x.yaml", "only letters, digits")]
    [InlineData("policy=/nonexistent/policy.yaml", "no such file '/nonexistent/policy.yaml'")]
    public void VariantArgument_Malformed_IsRefusedWithTheFix(string argument, string expected)
    {
        Assert.False(ProxyVariant.TryParse(argument, out var variant, out var error));
        Assert.Null(variant);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>The shipped policy fragment, as <c>--variant policy=docs/bench/variants/policy.yaml</c> reads it.</summary>
    private static ProxyVariant PolicyVariant()
    {
        Assert.True(ProxyVariant.TryParse("policy=" + Path.Combine(AppContext.BaseDirectory, "variants", "policy.yaml"), out var variant, out var error), error);
        return variant!;
    }
}
