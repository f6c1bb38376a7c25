using System.Net;
using McpTunnel.Cli.Check;
using McpTunnel.Cli.Tests.Infrastructure;

namespace McpTunnel.Cli.Tests.Check;

/// <summary><c>mcptunnel check CONFIG [--explain]</c>: the proxy's loader offline, and one request walked through routing and egress.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConfigCheckTests : IAsyncLifetime
{
    private const string Domain = TestStack.Domain;
    private readonly TestStack _stack = new();

    /// <summary>Names resolve here without touching DNS; anything else is an unknown host.</summary>
    private static readonly HostResolver FakeDns = (host, _) => host switch
    {
        "wiki-mcp" => Task.FromResult(new[] { IPAddress.Parse("10.0.0.7") }),
        "public.example" => Task.FromResult(new[] { IPAddress.Parse("8.8.8.8") }),
        _ when IPAddress.TryParse(host, out var ip) => Task.FromResult(new[] { ip }),
        _ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    /// <summary>
    /// Configs that need nothing but their routes and extra YAML, each checked (and with targets, explained) and held
    /// to its exit code, the lines the report must contain and those it must not. The first column is the case.
    /// </summary>
    public static TheoryData<string, string, string, string[], int, string[], string[]> Reports() => new()
    {
        {
            "ValidConfig_PrintsRoutesAndExitsZero", "echo: http://wiki-mcp:9000\nfull.example.com: http://10.1.1.1:80", "", [], 0,
            ["OK", $"route echo -> http://wiki-mcp:9000   Claude calls https://echo.{Domain}/<path>", "Claude calls https://full.example.com/<path>"],
            ["WARN"]
        },
        {
            "AllowedIpsEverything_IsWarnedAsSsrfProtectionOff", "echo: http://wiki-mcp:9000", "upstream:\n  allowed_ips: [0.0.0.0/0]\n", [], 0,
            ["SSRF protection is effectively off"],
            []
        },
        {
            "LiteralUpstreamOutsideTheAllowedRanges_IsWarnedAsUnreachable_TheSameWordsTheProxyLogs", "local: http://127.0.0.1:3000\nnamed: http://localhost:3001\necho: http://10.1.1.1:80", "", [], 0,
            [
                "WARN  routes.local: upstream address 127.0.0.1 is refused by IP validation",
                "WARN  routes.named: upstream address 127.0.0.1 is refused by IP validation",
                "every request to this route will fail. Fix: add the narrowest CIDR to upstream.allowed_ips",
            ],
            ["routes.echo:"]
        },
        {
            // routes written as a YAML list: the line becomes "  - echo: http://hello-mcp:9000" under routes:.
            "RoutesAsYamlList_ReportsTheDocumentedUnmarshalText", "- echo: http://hello-mcp:9000", "", [], 1,
            ["ERROR routes:", "cannot unmarshal !!seq into map[string]string"],
            []
        },
        {
            "ExplainSubdomainUrl_NamesTheRouteUpstreamAddressAndForwardedUrl", "echo: http://wiki-mcp:9000", "", [$"https://echo.{Domain}/mcp?x=1"], 0,
            [
                $"route:    echo (subdomain match: the host ends with .{Domain}",
                "upstream: http://wiki-mcp:9000",
                "resolved: 10.0.0.7 (DNS)",
                "egress:   10.0.0.7 allowed (in default private range 10.0.0.0/8)",
                "result:   forwarded to http://wiki-mcp:9000/mcp?x=1",
            ],
            []
        },
        {
            "ExplainExactHost_SaysExactMatch", "mcp.internal.example: http://10.2.3.4:8080", "", ["mcp.internal.example:443"], 0,
            ["route:    mcp.internal.example (exact match", "resolved: 10.2.3.4 (IP literal, no DNS)"],
            []
        },
        {
            "ExplainUnknownHost_Gives502AndNoRouteLogLine", "echo: http://wiki-mcp:9000", "", [$"ecoh.{Domain}"], 1,
            [
                "route:    none",
                "\"ecoh\" (left after stripping",
                "the caller gets 502 \"No route configured for host\"",
                $"log:      no route for host host=ecoh.{Domain}",
                "troubleshooting \"no route\"",
            ],
            []
        },
        {
            "ExplainOtherDomain_SaysTheHostIsOutsideTunnelDomain", "echo: http://wiki-mcp:9000", "", ["echo.wrong.tunnel.test"], 1,
            [$"does not end with .{Domain} (tunnel_domain)"],
            []
        },
        {
            "ExplainLoopbackLiteral_DefaultPolicy_IpValidationFailed", "echo: http://127.0.0.1:9000", "", [$"echo.{Domain}"], 1,
            [
                "egress:   127.0.0.1 denied (outside the default private ranges",
                "the caller gets 502",
                "log:      IP validation failed: 127.0.0.1 is not a private address",
                "troubleshooting \"upstream not allowed\"",
            ],
            []
        },
        {
            "ExplainLoopback_WithAllowedIps_IsForwardedAndNamesTheEntry", "echo: http://127.0.0.1:9000", TestStack.LoopbackAllowed, [$"echo.{Domain}"], 0,
            ["127.0.0.1 allowed (in allowed_ips entry 127.0.0.0/8)"],
            []
        },
        {
            "ExplainUnresolvableName_SaysToRunInsideTheStack", "echo: http://hello-mcp:9000", "", [$"echo.{Domain}"], 1,
            ["resolved: failed", "docker compose exec"],
            []
        },
        {
            "Explain_RouteWithHostHeaderUpstream_ShowsTheHostTheUpstreamReceives", "echo: http://wiki-mcp:9000\nplain: http://wiki-mcp:9001", "upstream:\n  host_header:\n    echo: upstream\n",
            [$"https://echo.{Domain}/mcp", $"https://plain.{Domain}/mcp"], 0,
            [
                $"route echo -> http://wiki-mcp:9000   Claude calls https://echo.{Domain}/<path>   upstream Host: wiki-mcp:9000 (host_header upstream)",
                $"Host:     the upstream receives Host: wiki-mcp:9000 (upstream.host_header.echo: upstream); X-Forwarded-Host: echo.{Domain}",
                $"the upstream receives Host: plain.{Domain} (default: the caller's Host; a server that refuses it (403 Invalid Host) needs upstream.host_header: {{ plain: upstream }})",
            ],
            []
        },
        {
            "HostHeaderForUnknownRoute_FailsNamingFieldAndFix", "echo: http://wiki-mcp:9000", "upstream:\n  host_header:\n    ehco: upstream\n", [], 1,
            ["ERROR upstream.host_header.ehco: \"ehco\" is not a routes key\n        fix: use a key from routes: (echo)"],
            []
        },
        {
            "CredentialFileMissing_FailsNamingFieldAndFix", "tickets: http://wiki-mcp:9000", "upstream:\n  credentials:\n    tickets:\n      value_file: /nonexistent/tickets-token\n", [], 1,
            ["ERROR upstream.credentials.tickets.value_file: open /nonexistent/tickets-token: no such file or directory\n        fix: check the path and the mount"],
            []
        },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public async Task ConfigAndExplainedTargets_ExitAndReportAsTheCaseSays(string scenario, string routes, string extra, string[] explain, int expectedExit, string[] expected, string[] absent)
    {
        var config = _stack.WriteConfig(routes, extra);

        var (exit, output) = await RunAsync(config, explain);

        output = output.ReplaceLineEndings("\n");
        Assert.True(expectedExit == exit, $"{scenario}: exit {exit}, expected {expectedExit}\n{output}");
        Assert.All(expected, line => Assert.Contains(line, output, StringComparison.Ordinal));
        Assert.All(absent, text => Assert.DoesNotContain(text, output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CertificateForAnotherDomain_IsWarnedAboutWithTheSanRule()
    {
        _stack.WriteServer(_stack.Authority.IssueServerCertificate(new McpTunnel.Pki.Issuing.ServerCertificateRequest("other.tunnel.test")));
        var config = _stack.WriteConfig("echo: http://wiki-mcp:9000", extra: "");

        var (exit, output) = await RunAsync(config);

        Assert.Equal(0, exit);
        Assert.Contains("WARN  tls.cert_file fails server.san", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutesAsListAndUpstreamWithPath_ReportsEveryErrorWithFieldAndFix()
    {
        var path = _stack.WriteConfig("echo: http://wiki-mcp:9000/mcp", extra: "");
        await File.AppendAllTextAsync(path, "upstream:\n  allowed_ips: [10.0.0.0/8]\n  disable_ip_validation: true\n");

        var (exit, output) = await RunAsync(path);

        Assert.Equal(1, exit);
        Assert.Contains("ERROR routes.echo:", output, StringComparison.Ordinal);
        Assert.Contains("invalid upstream (must be scheme://host:port)", output, StringComparison.Ordinal);
        Assert.Contains("upstream", output.Split('\n').Last(l => l.Contains("ERROR", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.True(output.Split('\n').Count(l => l.Contains("ERROR", StringComparison.Ordinal)) >= 2, output);
        Assert.Contains("fix:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplainLocalhostName_ResolvesToLoopbackAndIsDenied()
    {
        var config = _stack.WriteConfig("echo: http://localhost:9000", extra: "");

        var (exit, output) = await RunAsync(config, [$"echo.{Domain}"], HostResolvers.System);

        Assert.Equal(1, exit);
        Assert.Contains("(DNS)", output, StringComparison.Ordinal);
        Assert.Contains("IP validation failed: 127.0.0.1 is not a private address", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplainPublicUpstream_IsDeniedWithoutDialling()
    {
        var config = _stack.WriteConfig("echo: http://public.example:443\ndns: http://8.8.8.8:53", extra: "");

        var (exit, output) = await RunAsync(config, $"echo.{Domain}", $"dns.{Domain}");

        Assert.Equal(1, exit);
        Assert.Contains("egress:   8.8.8.8 denied", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains("IP validation failed: 8.8.8.8 is not a private address", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ContainerPaths_WithMount_LoadFromTheHostDirectory()
    {
        var data = Path.Combine(_stack.Directory, "data");
        Directory.CreateDirectory(data);
        File.Copy(_stack.CertFile, Path.Combine(data, "tls.crt"));
        File.Copy(_stack.KeyFile, Path.Combine(data, "tls.key"));
        var config = Path.Combine(_stack.Directory, "container.yaml");
        await File.WriteAllTextAsync(config, $"listen_addr: \":8080\"\ntunnel_domain: {Domain}\ntls:\n  cert_file: /data/tls.crt\n  key_file: /data/tls.key\nroutes:\n  echo: http://hello-mcp:9000\n");

        var (exit, output, _) = await CliRunner.RunAsync("check", config, "--mount", $"{data}:/data");

        Assert.Equal(0, exit);
        Assert.Contains($"tls.cert_file: /data/tls.crt -> {Path.Combine(data, "tls.crt")}", output, StringComparison.Ordinal);
        Assert.Contains("OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndToEnd_TunnelDomainFlagOverridesFile()
    {
        var config = _stack.WriteConfig("echo: http://10.0.0.5:9000", extra: "", tunnelDomain: "wrong.tunnel.test");

        var (exit, output, _) = await CliRunner.RunAsync("check", config, "--tunnel-domain", Domain, "--explain", $"https://echo.{Domain}/mcp");

        Assert.Equal(0, exit);
        Assert.Contains($"tunnel_domain {Domain}", output, StringComparison.Ordinal);
        Assert.Contains("forwarded to http://10.0.0.5:9000/mcp", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_IsDescribed_ItsValueNeverPrinted_ContainerPathMapped_TextAndJson()
    {
        const string Secret = "tok-check-51ab0c9e77d3";
        Directory.CreateDirectory(Path.Combine(_stack.Directory, "secrets"));
        var secretFile = Path.Combine(_stack.Directory, "secrets", "tickets-token");
        await File.WriteAllTextAsync(secretFile, Secret + "\n");
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = _stack.WriteConfig("tickets: http://wiki-mcp:9000", extra: "upstream:\n  credentials:\n    tickets:\n      value_file: /run/secrets/tickets-token\n      prefix: \"Bearer \"\n");
        var mount = $"{Path.Combine(_stack.Directory, "secrets")}:/run/secrets";

        var (exit, output, _) = await CliRunner.RunAsync("check", config, "--mount", mount);
        var (jsonExit, json, _) = await CliRunner.RunAsync("check", config, "--json", "--mount", mount);

        Assert.Equal(0, exit);
        Assert.Contains($"note: container path mapped for this check: upstream.credentials.tickets.value_file: /run/secrets/tickets-token -> {secretFile}", output, StringComparison.Ordinal);
        Assert.Contains($"    credential header Authorization from {secretFile} with prefix \"Bearer \"; caller's Authorization: replaced (value never shown)", output, StringComparison.Ordinal);
        Assert.Equal(0, jsonExit);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var credential = Assert.Single(document.RootElement.GetProperty("routes").EnumerateArray()).GetProperty("credential");
        Assert.Equal("Authorization", credential.GetProperty("header").GetString());
        Assert.Equal(secretFile, credential.GetProperty("valueFile").GetString());
        Assert.Equal("Bearer ", credential.GetProperty("prefix").GetString());
        Assert.Equal("replace", credential.GetProperty("callerAuthorization").GetString());
        Assert.DoesNotContain(Secret, output + json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConfigFile_FixNamesHowCheckIsGivenThePath()
    {
        var (exit, output) = await RunAsync(Path.Combine(_stack.Directory, "missing.yaml"));

        Assert.Equal(1, exit);
        Assert.Contains("pass the config path as mcptunnel check CONFIG", output, StringComparison.Ordinal);
        Assert.DoesNotContain("-config PATH", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsafeAliasWithMount_IsReportedWithItsLine_NotAStackOverflow()
    {
        var config = Path.Combine(_stack.Directory, "alias.yaml");
        await File.WriteAllTextAsync(config, "listen_addr: \":8080\"\ntls: &t\n  cert_file: *t\nroutes:\n  echo: http://hello-mcp:9000\n");

        var (exit, output, _) = await CliRunner.RunAsync("check", config, "--mount", $"{_stack.Directory}:/data");

        Assert.Equal(1, exit);
        Assert.Contains("alias *t", output, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Output)> RunAsync(string config, params string[] explain) => RunAsync(config, explain, FakeDns);

    private static async Task<(int Exit, string Output)> RunAsync(string config, string[] explain, HostResolver resolver)
    {
        using var output = new StringWriter();
        var exit = await ConfigCheckAction.RunAsync(new ConfigCheckOptions(config) { Explain = explain, Mounts = [] }, output, resolver, CancellationToken.None);
        return (exit, output.ToString());
    }
}
