using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Doctor;
using McpTunnel.Cli.Edge;
using McpTunnel.Cli.Tests.Conformance;
using McpTunnel.Cli.Tests.Hello;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Doctor;

/// <summary>
/// Issue 13 items 2 and 6: an MCP server built as the TypeScript SDK's docs show (<c>createMcpExpressApp()</c>,
/// default options, tests/node/express-server.mjs) behind the whole tunnel. With the default Host it refuses every
/// request (403 Invalid Host) and doctor names the cause and the setting; with <c>upstream.host_header</c> it works.
/// </summary>
public sealed class TypeScriptExpressServerTests : IAsyncLifetime
{
    private readonly TestStack _stack = new();
    private readonly int _port = TestStack.FreePort();
    private System.Diagnostics.Process _server = null!;

    public async Task InitializeAsync() => _server = await NodePeers.StartScriptAsync("express-server.mjs", _port);

    public async Task DisposeAsync()
    {
        _server.Kill(entireProcessTree: true);
        _server.Dispose();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task DefaultHost_ThroughTunnel_Is403InvalidHost()
    {
        _stack.WriteConfig($"echo: http://127.0.0.1:{_port}");
        await _stack.StartProxyAsync();
        await using var edge = await StartEdgeAsync();

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(edge.BaseUri, "/mcp")) { Content = new StringContent(McpInitializeProbe.InitializeRequest, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var response = await http.SendAsync(request);
        var (exitCode, stdout, stderr) = await HelloNodeClientTests.RunNodeClientAsync(new Uri(edge.BaseUri, "/mcp").ToString());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"Invalid Host: echo.{TestStack.Domain}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(exitCode == 1, stdout + stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Contains($"Invalid Host: echo.{TestStack.Domain}", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultHost_Doctor_NamesTheRefusalAndTheSetting()
    {
        _stack.WriteConfig($"echo: http://127.0.0.1:{_port}");
        await _stack.StartProxyAsync();

        var (exit, output, report) = await RunDoctorAsync();

        Assert.Equal(1, exit);
        var failure = Assert.Single(report.Checks, c => c.Status == DoctorStatus.Fail);
        Assert.Equal("mcp initialize", failure.Name);
        Assert.Same(McpTunnel.Cli.Terminal.Troubleshooting.HostRefused, failure.Row);
        Assert.Contains($"403 \"{{\"jsonrpc\":\"2.0\",\"error\":{{\"code\":-32000,\"message\":\"Invalid Host: echo.{TestStack.Domain}\"}}", failure.Detail, StringComparison.Ordinal);
        Assert.Contains($"the upstream refuses Host echo.{TestStack.Domain}", failure.Detail, StringComparison.Ordinal);
        Assert.Contains($"host_header:\n    echo: upstream   (sends 127.0.0.1:{_port}", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostHeaderUpstream_ThroughTunnel_InitializesListsAndCalls()
    {
        _stack.WriteConfig($"echo: http://127.0.0.1:{_port}", extra: TestStack.LoopbackAllowed + "  host_header:\n    echo: upstream\n");
        await _stack.StartProxyAsync();
        await using var edge = await StartEdgeAsync();

        var (exitCode, stdout, stderr) = await HelloNodeClientTests.RunNodeClientAsync(new Uri(edge.BaseUri, "/mcp").ToString());
        var (doctorExit, doctorOutput, _) = await RunDoctorAsync();

        Assert.True(exitCode == 0, stdout + stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("express-docs-server", json.RootElement.GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.Equal("Hello, tunnel!", json.RootElement.GetProperty("hello").GetProperty("text").GetString());
        Assert.True(doctorExit == 0, doctorOutput);
    }

    private Task<EdgeServer> StartEdgeAsync() => EdgeServer.StartAsync(
        new EdgeServerOptions(new IPEndPoint(IPAddress.Loopback, 0), _stack.ProxyUri, [X509CertificateLoader.LoadCertificate(_stack.Authority.Certificate.RawData)], TestStack.Domain, "echo"),
        null,
        CancellationToken.None);

    private async Task<(int Exit, string Output, DoctorReport Report)> RunDoctorAsync()
    {
        using var output = new StringWriter();
        var runner = new DoctorRunner(new DoctorOptions(_stack.ConfigPath, _stack.CaFile) { ProxyUri = _stack.ProxyUri, Timeout = TimeSpan.FromSeconds(10) }, output, HostResolvers.System);
        var exit = await runner.RunAsync(CancellationToken.None);
        return (exit, output.ToString(), runner.LastReport!);
    }
}
