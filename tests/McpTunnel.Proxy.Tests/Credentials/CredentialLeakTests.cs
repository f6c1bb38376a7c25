using System.Text;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Credentials;

/// <summary>
/// The adversarial "secret never leaks" test: a unique credential, requests that succeed and fail every way the proxy
/// reports (policy denial, upstream down, a broken and a restored credential file, a config reload), with debug logs,
/// metrics, traces exported over OTLP and audit records with argument shapes on; then every output is searched for the
/// secret, and for its base64 and hex forms. The upstream is shown to have received it, so the search is not vacuous.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CredentialLeakTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Secret_AppearsInNoLogMetricTraceAuditRecordOrErrorResponse()
    {
        var secret = $"LEAK-{Guid.NewGuid():N}";
        await using var traces = await OtlpReceiver.StartAsync(OtlpReceiver.Traces);
        await using var upstream = await TestUpstream.StartAsync();
        var file = _dir.File("token");
        await File.WriteAllTextAsync(file, secret + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var audit = _dir.File("audit.jsonl");
        var routes = $"tickets: http://127.0.0.1:{upstream.Port}\ndown: http://127.0.0.1:1";
        var extra = $"""
            admin_addr: "127.0.0.1:0"
            upstream:
              allowed_ips: [127.0.0.0/8]
              credentials:
                tickets:
                  value_file: {file}
                  prefix: "Bearer "
                down:
                  value_file: {file}
                  header: X-API-Key
                  caller_authorization: strip
            policy:
              tickets:
                tools:
                  deny: [delete_*]
            audit:
              file:
                path: {audit}
              arguments: shapes

            """;
        await using var proxy = await TestProxy.StartAsync(routes, extra, telemetryEnvironment: traces.ExporterEnvironment);
        var client = proxy.CreateClient();
        var outputs = new StringBuilder();

        // Positive control: the upstream got it (this answer echoes the request's headers, so it is not searched).
        using (var echo = await client.GetAsync(proxy.UrlFor("tickets", "/echo")))
        {
            Assert.Equal($"Bearer {secret}", EchoResponse.Parse(await echo.Content.ReadAsStringAsync()).Headers["authorization"]);
        }

        foreach (var (route, body) in new[]
        {
            ("tickets", """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"q":"x"}}}"""),
            ("tickets", """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete_ticket","arguments":{"id":1}}}"""),
            ("tickets", "not json"),
            ("down", """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"search"}}"""),
        })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(proxy.UrlFor(route, "/raw"), content);
            outputs.Append(response.ToString()).Append(await response.Content.ReadAsStringAsync());
        }

        // The file breaks (a warning), comes back (reloaded), and the config is reloaded with another prefix.
        File.Delete(file);
        proxy.Server.Credentials.Poll();
        await File.WriteAllTextAsync(file, secret + "-2\n");
        proxy.Server.Credentials.Poll();
        proxy.Reload(routes, extra.Replace("prefix: \"Bearer \"", "prefix: \"Token \"", StringComparison.Ordinal));
        using (var after = await client.GetAsync(proxy.UrlFor("down", "/raw")))
        {
            outputs.Append(after.ToString()).Append(await after.Content.ReadAsStringAsync());
        }

        outputs.Append(await AdminScrape.MetricsAfterRequestsAsync(proxy, 6));
        await proxy.Server.StopAsync(); // the audit file is written and synced, the spans flushed
        outputs.Append(await File.ReadAllTextAsync(audit));
        var spans = Encoding.UTF8.GetString(traces.Bytes()); // protobuf: the strings in it are plain UTF-8
        Assert.Contains("delete_ticket", spans, StringComparison.Ordinal); // the spans were captured
        outputs.Append(spans);
        foreach (var entry in proxy.Logs.Entries)
        {
            outputs.Append(entry).Append(entry.Exception).Append('\n');
        }

        var text = outputs.ToString();
        Assert.Contains("upstream credential reload failed", text, StringComparison.Ordinal); // the outputs were captured
        Assert.Contains("\"method\":\"tools/call\"", text, StringComparison.Ordinal);
        Assert.Contains("mcptunnel_upstream_credential_reloads_total", text, StringComparison.Ordinal);
        foreach (var form in new[] { secret, secret[5..], Convert.ToBase64String(Encoding.ASCII.GetBytes(secret)), Convert.ToHexString(Encoding.ASCII.GetBytes(secret)), Convert.ToHexStringLower(Encoding.ASCII.GetBytes(secret)) })
        {
            Assert.DoesNotContain(form, text, StringComparison.Ordinal);
        }
    }
}
