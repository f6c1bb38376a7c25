using System.Diagnostics;
using System.Globalization;
using McpTunnel.TunnelClient;

namespace McpTunnel.Testing;

/// <summary>
/// The real <c>mcp-proxy</c> executable as its own process, as operators run it, for what only a process shows:
/// signals, exit codes, SIGKILL, resident memory. It serves <see cref="TestPki"/>'s certificates on a free loopback
/// port with a config of the routes given and loopback upstreams allowed; <c>extraYaml</c> adds top-level keys.
/// <see cref="StartAsync"/> returns once the proxy logged <c>listening</c>; every line it writes (stdout and stderr) is
/// kept for <see cref="WaitForLineAsync"/>. Disposing kills a process still running. The caller owns the PKI.
/// </summary>
internal sealed class TestProxyProcess(Process process, TestPki pki, int port, string configFile, string[] flags) : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private readonly Process _process = process;
    private readonly List<string> _lines = [];
    private readonly List<(string Fragment, TaskCompletionSource<string> Seen)> _waiters = [];
    private TaskCompletionSource _nextLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly string[] _flags = flags;

    public TestPki Pki { get; } = pki;

    /// <summary>The tunnel listener's port on 127.0.0.1.</summary>
    public int Port { get; } = port;

    /// <summary>The config file the process was started with (in the PKI's directory); rewrite it with <see cref="WriteConfig"/>.</summary>
    public string ConfigFile { get; } = configFile;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Every line written so far, stdout and stderr in arrival order.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>
    /// Writes the config (<paramref name="routes"/> are <c>key: upstream</c> lines; <paramref name="extraYaml"/> more
    /// top-level keys) on a free port and starts <c>mcp-proxy -config</c> on it, with <paramref name="flags"/> after
    /// (e.g. <c>-watch-config</c>).
    /// </summary>
    public static Task<TestProxyProcess> StartAsync(TestPki pki, string routes, string extraYaml = "", params string[] flags)
    {
        var port = FreePort.OnLoopback();
        var configFile = Path.Combine(pki.Directory, "config.yaml");
        File.WriteAllText(configFile, Config(pki, port, routes, extraYaml));
        return LaunchAsync(pki, port, configFile, flags);
    }

    /// <summary>A new process on the same config file and port, once this one has exited (a restart after a crash).</summary>
    public Task<TestProxyProcess> StartAgainAsync() => LaunchAsync(Pki, Port, ConfigFile, _flags);

    /// <summary>Rewrites <see cref="ConfigFile"/> in place (same port and certificates), e.g. before a SIGHUP.</summary>
    public void WriteConfig(string routes, string extraYaml = "") => File.WriteAllText(ConfigFile, Config(Pki, Port, routes, extraYaml));

    /// <summary>The config text <see cref="WriteConfig"/> would write, for a test that writes it another way (a rename).</summary>
    public string ConfigText(string routes, string extraYaml = "") => Config(Pki, Port, routes, extraYaml);

    /// <summary>A tunnel client to this proxy trusting only the test CA, as the edge does.</summary>
    public TunnelConnector Connector() => new(new Uri($"ws://127.0.0.1:{Port}/"), new TunnelServerValidator(Pki.TrustedCas));

    /// <summary>An HTTP client whose every request goes through a tunnel to this proxy.</summary>
    public HttpClient CreateClient() => new(Connector().CreateHttpHandler());

    /// <summary><c>https://ROUTE.TUNNEL_DOMAIN/PATH</c>, the address a request on <paramref name="route"/> names.</summary>
    public string UrlFor(string route, string path) => $"https://{route}.{Pki.TunnelDomain}{path}";

    /// <summary>The first line (already written or still to come) containing <paramref name="fragment"/>.</summary>
    public Task<string> WaitForLineAsync(string fragment, TimeSpan? limit = null)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            var line = _lines.Find(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null)
            {
                return Task.FromResult(line);
            }

            _waiters.Add((fragment, seen));
        }

        return seen.Task.WaitAsync(limit ?? DefaultWait);
    }

    /// <summary>Returns when the process writes its next line or after <paramref name="limit"/>, whichever comes first.</summary>
    public async Task WaitForOutputAsync(TimeSpan limit)
    {
        Task next;
        lock (_lines)
        {
            next = _nextLine.Task;
        }

        await Task.WhenAny(next, Task.Delay(limit));
    }

    /// <summary>Sends <paramref name="signal"/> (<c>HUP</c>, <c>TERM</c>…) the way an operator's <c>kill</c> does.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL: no drain, no flush.</summary>
    public void Kill() => _process.Kill();

    public Task WaitForExitAsync(TimeSpan? limit = null) => _process.WaitForExitAsync().WaitAsync(limit ?? DefaultWait);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Config(TestPki pki, int port, string routes, string extraYaml) =>
        $"listen_addr: \"127.0.0.1:{port}\"\ntunnel_domain: {pki.TunnelDomain}\ntls:\n  cert_file: {pki.CertFile}\n  key_file: {pki.KeyFile}\nroutes:\n"
        + string.Concat(routes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"  {l.Trim()}\n"))
        + "upstream:\n  allowed_ips: [127.0.0.0/8]\n"
        + extraYaml;

    private static async Task<TestProxyProcess> LaunchAsync(TestPki pki, int port, string configFile, string[] flags)
    {
        var process = Process.Start(new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "mcp-proxy"), ["-config", configFile, .. flags])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var proxy = new TestProxyProcess(process, pki, port, configFile, flags);
        process.OutputDataReceived += (_, e) => proxy.Add(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await proxy.WaitForLineAsync("msg=listening");
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource next;
        List<TaskCompletionSource<string>> matched = [];
        lock (_lines)
        {
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_waiters[i].Fragment, StringComparison.Ordinal))
                {
                    matched.Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }

            next = _nextLine;
            _nextLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        matched.ForEach(seen => seen.TrySetResult(line));
        next.TrySetResult();
    }
}
