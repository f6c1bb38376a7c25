using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Credentials;

/// <summary>
/// <c>upstream.credentials</c> through a real proxy to a real Kestrel upstream that reports the headers it received
/// (and to a raw upstream that records the request head byte for byte): the credential reaches its route's upstream
/// and no other; the caller's Authorization is passed, stripped or replaced as configured; no spelling or copy of the
/// credential's header from the caller gets through; a config without credentials sends exactly what it sent before.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UpstreamCredentialEndToEndTests : IDisposable
{
    private const string Secret = "tok-e2e-7c1d9a44b0f2";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string SecretFile(string content = Secret + "\n")
    {
        var path = Path.Combine(_dir.Path, $"token-{Guid.NewGuid():N}");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static string Upstream(string credentials) =>
        $"upstream:\n  allowed_ips: [127.0.0.0/8]\n  credentials:\n{credentials}";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Credential_ReachesItsRoutesUpstream_NeverAnotherRoutes(bool http2)
    {
        await using var upstream = await TestUpstream.StartAsync();
        var file = SecretFile();
        await using var proxy = await TestProxy.StartAsync(
            $"tickets: http://127.0.0.1:{upstream.Port}\nsearch: http://127.0.0.1:{upstream.Port}",
            Upstream($"    tickets:\n      value_file: {file}\n      prefix: \"Bearer \"\n"));
        var client = proxy.CreateClient(http2);

        var tickets = await EchoAsync(client, proxy.UrlFor("tickets", "/echo"));
        var searchBare = await EchoAsync(client, proxy.UrlFor("search", "/echo"));
        var searchWithCaller = await EchoAsync(client, proxy.UrlFor("search", "/echo"), authorization: "Bearer caller");

        Assert.Equal($"Bearer {Secret}", tickets["authorization"]);
        Assert.False(searchBare.ContainsKey("authorization"));
        Assert.Equal("Bearer caller", searchWithCaller["authorization"]);
        Assert.DoesNotContain(searchBare.Values.Concat(searchWithCaller.Values), v => v.Contains(Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("header: X-API-Key", "Bearer caller")]
    [InlineData("header: X-API-Key\n      caller_authorization: pass", "Bearer caller")]
    [InlineData("header: X-API-Key\n      caller_authorization: strip", null)]
    [InlineData("caller_authorization: strip", "Bearer " + Secret)]
    [InlineData("caller_authorization: replace", "Bearer " + Secret)]
    [InlineData("", "Bearer " + Secret)]
    public async Task CallersAuthorization_IsPassedStrippedOrReplaced(string settings, string? upstreamSees)
    {
        await using var upstream = await TestUpstream.StartAsync();
        var file = SecretFile();
        var prefix = settings.Contains("X-API-Key", StringComparison.Ordinal) ? "" : "      prefix: \"Bearer \"\n";
        await using var proxy = await TestProxy.StartAsync(
            $"tickets: http://127.0.0.1:{upstream.Port}",
            Upstream($"    tickets:\n      value_file: {file}\n{prefix}{(settings.Length > 0 ? "      " + settings + "\n" : "")}"));

        var headers = await EchoAsync(proxy.CreateClient(), proxy.UrlFor("tickets", "/echo"), authorization: "Bearer caller");

        Assert.Equal(upstreamSees, headers.GetValueOrDefault("authorization"));
        if (settings.Contains("X-API-Key", StringComparison.Ordinal))
        {
            Assert.Equal(Secret, headers["x-api-key"]);
        }
    }

    [Fact]
    public async Task CallersCopiesOfTheHeader_InAnyCaseOrSpelling_NeverReachTheUpstream()
    {
        await using var upstream = RawUpstream.Start();
        var bearer = SecretFile();
        var apiKey = SecretFile("key-" + Secret);
        await using var proxy = await TestProxy.StartAsync(
            $"tickets: http://127.0.0.1:{upstream.Port}\nsearch: http://127.0.0.1:{upstream.Port}",
            Upstream($"    tickets:\n      value_file: {bearer}\n      prefix: \"Bearer \"\n    search:\n      value_file: {apiKey}\n      header: X-API-Key\n      caller_authorization: strip\n"));

        await using (var tls = await proxy.OpenTlsAsync("tickets"))
        {
            await RawHttp1.ExchangeAsync(tls, $"GET /x HTTP/1.1\r\nHost: {proxy.HostFor("tickets")}\r\nAuthorization: Bearer forged-1\r\nauthorization: Bearer forged-2\r\nAUTHORIZATION: forged-3\r\nConnection: close\r\n\r\n");
        }

        var head = (await upstream.NextRequestAsync()).Head;
        Assert.Equal([$"Authorization: Bearer {Secret}"], HeaderLines(head, "authorization"));
        Assert.DoesNotContain("forged", head, StringComparison.Ordinal);

        await using (var tls = await proxy.OpenTlsAsync("search"))
        {
            await RawHttp1.ExchangeAsync(tls, $"GET /x HTTP/1.1\r\nHost: {proxy.HostFor("search")}\r\nX-API-Key: forged-1\r\nx-api-key: forged-2\r\nX_API_KEY: forged-3\r\nx_Api-key: forged-4\r\nAuthorization: Bearer caller\r\nConnection: close\r\n\r\n");
        }

        head = (await upstream.NextRequestAsync()).Head;
        Assert.Equal([$"X-API-Key: key-{Secret}"], HeaderLines(head, "x-api-key"));
        Assert.Empty(HeaderLines(head, "x_api_key"));
        Assert.Empty(HeaderLines(head, "x_api-key"));
        Assert.Empty(HeaderLines(head, "authorization"));
        Assert.DoesNotContain("forged", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCredentialOnTheRoute_UpstreamGetsTheSameBytes_AsWithoutTheSection()
    {
        // The request head a route without a credential sends, byte for byte, from a config without upstream.credentials
        // and from one that gives another route a credential.
        const string Request = "POST /mcp?x=1 HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer caller\r\nauthorization: Bearer second\r\nX-API-Key: caller-key\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        var file = SecretFile();
        var heads = new List<string>();
        foreach (var credentials in new[] { "", $"  credentials:\n    other:\n      value_file: {file}\n      header: X-API-Key\n      caller_authorization: strip\n" })
        {
            await using var upstream = RawUpstream.Start();
            await using var proxy = await TestProxy.StartAsync(
                $"echo: http://127.0.0.1:{upstream.Port}\nother: http://127.0.0.1:{upstream.Port}",
                $"upstream:\n  allowed_ips: [127.0.0.0/8]\n{credentials}");
            await using var tls = await proxy.OpenTlsAsync("echo");
            var response = await RawHttp1.ExchangeAsync(tls, Request.Replace("{host}", proxy.HostFor("echo"), StringComparison.Ordinal));
            Assert.Equal(200, response.Status);
            heads.Add((await upstream.NextRequestAsync()).Head);
        }

        Assert.Equal(heads[0], heads[1]);
        Assert.Contains("Authorization: Bearer caller, Bearer second", heads[0], StringComparison.Ordinal);
        Assert.Contains("X-API-Key: caller-key", heads[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_ChangingTheCredential_AppliesToNewRequests_AMissingFileKeepsTheRunningOne()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var first = SecretFile("first-" + Secret);
        var second = SecretFile("second-" + Secret);
        var routes = $"tickets: http://127.0.0.1:{upstream.Port}";
        await using var proxy = await TestProxy.StartAsync(routes, Upstream($"    tickets:\n      value_file: {first}\n      header: X-API-Key\n"));
        var client = proxy.CreateClient();
        Assert.Equal("first-" + Secret, (await EchoAsync(client, proxy.UrlFor("tickets", "/echo")))["x-api-key"]);

        var missing = Path.Combine(_dir.Path, "missing-token");
        var refused = proxy.Reload(routes, Upstream($"    tickets:\n      value_file: {missing}\n      header: X-API-Key\n"));

        Assert.False(refused.Applied);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("upstream.credentials.tickets.value_file", error.Field);
        Assert.Equal("first-" + Secret, (await EchoAsync(client, proxy.UrlFor("tickets", "/echo")))["x-api-key"]);

        var applied = proxy.Reload(routes, Upstream($"    tickets:\n      value_file: {second}\n      header: X-API-Key\n"));

        Assert.True(applied.Applied);
        Assert.Equal(["tickets"], applied.Change!.RoutesChanged);
        Assert.Equal("second-" + Secret, (await EchoAsync(client, proxy.UrlFor("tickets", "/echo")))["x-api-key"]);
    }

    private static string[] HeaderLines(string head, string name) =>
        [.. head.Split("\r\n").Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))];

    private static async Task<Dictionary<string, string>> EchoAsync(HttpClient client, Uri url, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return EchoResponse.Parse(await response.Content.ReadAsStringAsync()).Headers;
    }
}
