using System.Diagnostics;

namespace McpTunnel.Bench;

/// <summary>
/// Part 0: what a proxy costs before its first tunnel — the time from process start to its <c>listening</c> log line,
/// and its RSS then and after a short settle (what a small Compose host or a pod's memory request pays for an idle
/// proxy). Each <see cref="BenchOptions.ProxyBinaries"/> entry is started <see cref="BenchOptions.Runs"/> times, the
/// order rotating per round, with <see cref="BenchOptions.ProxyEnvironment"/> applied. Out of process only: a proxy
/// inside this process has neither its own start nor its own RSS.
/// </summary>
internal static class StartupBench
{
    /// <summary>How long the proxy is left alone after <c>listening</c> before its RSS is read again.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static async Task<IReadOnlyList<StartupResult>> RunAsync(BenchStack stack, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        if (!options.ProxyOutOfProcess)
        {
            await log.WriteLineAsync("  start   skipped: the proxy runs in this process (no start or RSS of its own)");
            return [];
        }

        IReadOnlyList<string> binaries = options.ProxyBinaries.Count > 0
            ? [.. options.ProxyBinaries]
            : [ProxyHost.FindProxyDll() ?? throw new InvalidOperationException("mcp-proxy.dll not found next to mcptunnel-bench; pass --proxy-binary")];
        var (certFile, keyFile) = BenchStack.WriteServerCertificate(stack.Ca, stack.Directory, Pki.Issuing.KeyAlgorithm.EcdsaP256);
        var configPath = Path.Combine(stack.Directory, "proxy-start.yaml");
        var results = new List<StartupResult>();
        for (var round = 0; round < options.Runs; round++)
        {
            foreach (var binary in RequestResponseBench.Rotate(binaries, round))
            {
                var port = ProxyHost.FreePort();
                await File.WriteAllTextAsync(
                    configPath,
                    $"listen_addr: \"127.0.0.1:{port}\"\n" + BenchStack.ProxyConfigYaml(certFile, keyFile, stack.Upstream.Port, 10_000, logLevel: "info"),
                    cancellationToken);
                var result = await StartOnceAsync(binary, configPath, options, round, cancellationToken);
                results.Add(result);
                await log.WriteLineAsync($"  start   round {round + 1} {Path.GetFileName(binary),-14} {result.ToListening.TotalMilliseconds,6:F0} ms to listening  RSS {result.RssAtListening / 1048576.0:F1} MiB, {result.RssSettled / 1048576.0:F1} MiB after {Settle.TotalSeconds:0} s");
            }
        }

        return results;
    }

    private static async Task<StartupResult> StartOnceAsync(string binary, string configPath, BenchOptions options, int round, CancellationToken cancellationToken)
    {
        var start = ProxyHost.CreateStartInfo(binary, configPath, options);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start mcp-proxy");
        try
        {
            // The log line is the interface operators wait for (it is printed once the listener accepts).
            DataReceivedEventHandler watch = (_, e) =>
            {
                if (e.Data is { } line && line.Contains("msg=listening", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
            };
            process.OutputDataReceived += watch;
            process.ErrorDataReceived += watch;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            var toListening = Stopwatch.GetElapsedTime(started);
            var rssAtListening = ProxyHost.ResidentBytes(process.Id);
            await Task.Delay(Settle, cancellationToken);
            return new StartupResult(binary, round, toListening, rssAtListening, ProxyHost.ResidentBytes(process.Id));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}

/// <summary>One start of one mcp-proxy binary: time to its <c>listening</c> line, RSS then and after the settle.</summary>
internal sealed record StartupResult(string Binary, int Round, TimeSpan ToListening, long RssAtListening, long RssSettled);
