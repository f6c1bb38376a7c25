using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Hosting;

namespace McpTunnel.Bench;

/// <summary>
/// mcp-proxy under test: a child process running the built binary (its own runtimeconfig and GC settings; RSS and CPU
/// time readable from /proc), or, for smoke runs, a <see cref="ProxyServer"/> inside this process.
/// </summary>
internal sealed class ProxyHost : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly ProxyServer? _server;

    private ProxyHost(Process? process, ProxyServer? server, int port)
    {
        _process = process;
        _server = server;
        Port = port;
    }

    public int Port { get; }

    public bool OutOfProcess => _process is not null;

    public int ProcessId => _process?.Id ?? Environment.ProcessId;

    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/");

    /// <summary>
    /// Starts mcp-proxy as <paramref name="options"/> say: as a child process (<paramref name="binary"/>, else the first of
    /// <see cref="BenchOptions.ProxyBinaries"/>, with <see cref="BenchOptions.ProxyEnvironment"/> added to its environment)
    /// or inside this process.
    /// </summary>
    public static async Task<ProxyHost> StartAsync(string configYamlWithoutListen, string directory, BenchOptions options, CancellationToken cancellationToken, string? binary = null)
    {
        if (!options.ProxyOutOfProcess)
        {
            var config = ProxyConfigLoader.Parse("listen_addr: \"127.0.0.1:0\"\n" + configYamlWithoutListen).Config;
            var server = ProxyServer.Create(config, new ProxyServerOptions { LogToConsole = false, HandleStopSignals = false });
            await server.StartAsync(cancellationToken);
            return new ProxyHost(null, server, server.ListenUri.Port);
        }

        var port = FreePort();
        var configPath = Path.Combine(directory, $"proxy-{port}.yaml");
        await File.WriteAllTextAsync(configPath, $"listen_addr: \"127.0.0.1:{port}\"\n" + configYamlWithoutListen, cancellationToken);
        var dll = binary ?? (options.ProxyBinaries.Count > 0 ? options.ProxyBinaries[0] : null) ?? FindProxyDll() ?? throw new InvalidOperationException("mcp-proxy.dll not found next to mcptunnel-bench; pass --proxy-binary");
        var start = CreateStartInfo(dll, configPath, options);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start mcp-proxy");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                Console.Error.WriteLine($"  [mcp-proxy] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new ProxyHost(process, null, port);
        await WaitForPortAsync(port, process, cancellationToken);
        return host;
    }

    /// <summary>
    /// How to start <paramref name="binary"/> (a native executable, or a dll run by <c>dotnet</c>) on <paramref name="configPath"/>,
    /// output redirected, with <see cref="BenchOptions.ProxyEnvironment"/> added to its environment.
    /// </summary>
    internal static ProcessStartInfo CreateStartInfo(string binary, string configPath, BenchOptions options)
    {
        var isDll = binary.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(isDll ? "dotnet" : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (isDll)
        {
            start.ArgumentList.Add(binary);
        }

        start.ArgumentList.Add("-config");
        start.ArgumentList.Add(configPath);
        foreach (var (name, value) in options.ProxyEnvironment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>Resident set size of the proxy process, in bytes.</summary>
    public long ResidentBytes() => ResidentBytes(ProcessId);

    /// <summary>Resident set size of a process (VmRSS), in bytes.</summary>
    public static long ResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>User + system CPU time the proxy process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        if (_process is null)
        {
            return Process.GetCurrentProcess().TotalProcessorTime;
        }

        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    internal static string? FindProxyDll()
    {
        var candidate = Path.Combine(AppContext.BaseDirectory, "mcp-proxy.dll");
        return File.Exists(candidate) && File.Exists(Path.Combine(AppContext.BaseDirectory, "mcp-proxy.runtimeconfig.json")) ? candidate : null;
    }

    internal static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    internal static async Task WaitForPortAsync(int port, Process? process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} exited with {process.ExitCode} before listening on {port}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException($"nothing listened on 127.0.0.1:{port} within 20 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
