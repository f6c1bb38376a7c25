using System.Net;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Credentials;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Routing;
using Microsoft.AspNetCore.Http.Features;

namespace McpTunnel.Proxy.Tests.Forwarding;

/// <summary>
/// What the forwarder puts on the outgoing request, tested directly (as YARP tests its header transforms): hop-by-hop
/// and Connection-listed fields, the caller's forwarding headers, the Host policy, content headers. The end-to-end
/// tests (<c>EndToEnd/ForwardingTests</c>) check the same rules through Kestrel and a real upstream.
/// </summary>
public sealed class RequestHeaderCopyTests
{
    private const string CallerHost = "echo.abcd.tunnel.test";

    [Fact]
    public async Task HopByHopFields_StopAtTheProxy_EndToEndFieldsPass()
    {
        var sent = await ForwardAsync(Target(), request =>
        {
            foreach (var name in new[] { "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Trailer", "Upgrade", "HTTP2-Settings" })
            {
                request.Headers[name] = "hop";
            }

            request.Headers.Authorization = "Bearer end-to-end";
            request.Headers["Mcp-Session-Id"] = "abc";
            request.Headers["Last-Event-ID"] = "7";
        });

        foreach (var name in new[] { "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "upgrade", "http2-settings", "connection", "transfer-encoding" })
        {
            Assert.False(sent.ContainsKey(name), name);
        }

        Assert.Equal("Bearer end-to-end", sent["authorization"]);
        Assert.Equal("abc", sent["mcp-session-id"]);
        Assert.Equal("7", sent["last-event-id"]);
    }

    // The values as they reach the forwarder: as written, and as Kestrel passes them once Hosting/ConnectionHeaderEncoding
    // has read them (a tab after keep-alive, keep-alive appended beside close or upgrade).
    [Theory]
    [InlineData("Authorization, Mcp-Session-Id")]
    [InlineData("keep-alive, Authorization, Mcp-Session-Id")]
    [InlineData("keep-alive\t, Authorization, Mcp-Session-Id")]
    [InlineData("close, Authorization, Mcp-Session-Id,keep-alive")]
    [InlineData("AUTHORIZATION ,\tmcp-session-id")]
    [InlineData(",,Authorization,,Mcp-Session-Id,")]
    public async Task FieldsNamedInConnection_StopAtTheProxy_WhateverElseItLists(string connection)
    {
        var sent = await ForwardAsync(Target(), request =>
        {
            request.Headers.Connection = connection;
            request.Headers.Authorization = "Bearer hop";
            request.Headers["Mcp-Session-Id"] = "hop";
            request.Headers["X-Kept"] = "end-to-end";
        });

        Assert.False(sent.ContainsKey("authorization"), connection);
        Assert.False(sent.ContainsKey("mcp-session-id"), connection);
        Assert.Equal("end-to-end", sent["x-kept"]);
    }

    [Fact]
    public async Task FieldsNamedInSeveralConnectionLines_AllStopAtTheProxy()
    {
        var sent = await ForwardAsync(Target(), request =>
        {
            request.Headers.Connection = new Microsoft.Extensions.Primitives.StringValues(["keep-alive\t", "Authorization", "X-Hop"]);
            request.Headers.Authorization = "Bearer hop";
            request.Headers["X-Hop"] = "hop";
        });

        Assert.False(sent.ContainsKey("authorization"));
        Assert.False(sent.ContainsKey("x-hop"));
    }

    [Fact]
    public async Task CallersForwardingHeaders_AreReplacedOrDropped()
    {
        var sent = await ForwardAsync(Target(), request =>
        {
            foreach (var name in new[] { "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded", "X-Forwarded-Prefix", "X-Forwarded-Port", "X-Forwarded-Server", "X-Real-IP", "X_Forwarded_For", "x_real_ip" })
            {
                request.Headers[name] = "6.6.6.6";
            }
        }, forwardedFor: IPAddress.Parse("10.1.2.3"));

        Assert.Equal("10.1.2.3", sent["x-forwarded-for"]);
        Assert.Equal(CallerHost, sent["x-forwarded-host"]);
        Assert.Equal("https", sent["x-forwarded-proto"]);
        Assert.DoesNotContain(sent.Values, value => value.Contains("6.6.6.6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoClientAddress_SendsNoXForwardedFor_NotTheCallers()
    {
        var sent = await ForwardAsync(Target(), request => request.Headers["X-Forwarded-For"] = "6.6.6.6", forwardedFor: null);

        Assert.False(sent.ContainsKey("x-forwarded-for"));
        Assert.Equal(CallerHost, sent["x-forwarded-host"]);
    }

    [Fact]
    public async Task TargetWithoutForwardedHeaders_PassesTheCallersOnUnchanged()
    {
        // The edge's tunnel hop: it is not where the forwarded facts are established, the proxy behind it is.
        var sent = await ForwardAsync(Target(addForwardedHeaders: false), request =>
        {
            request.Headers["X-Forwarded-For"] = "203.0.113.9";
            request.Headers["Forwarded"] = "for=203.0.113.9";
        }, forwardedFor: IPAddress.Loopback);

        Assert.Equal("203.0.113.9", sent["x-forwarded-for"]);
        Assert.Equal("for=203.0.113.9", sent["forwarded"]);
        Assert.False(sent.ContainsKey("x-forwarded-host"));
        Assert.False(sent.ContainsKey("x-forwarded-proto"));
    }

    [Theory]
    [InlineData(null, CallerHost)]
    [InlineData("upstream.internal:8080", "upstream.internal:8080")]
    public async Task Host_IsTheCallersUnlessTheRouteSetsOne_XForwardedHostAlwaysTheCallers(string? routeHost, string expected)
    {
        var sent = await ForwardAsync(Target(hostHeader: routeHost), _ => { });

        Assert.Equal(expected, sent["host"]);
        Assert.Equal(CallerHost, sent["x-forwarded-host"]);
    }

    [Fact]
    public async Task ContentHeaders_TravelWithTheBody_RepeatedFieldsKeepEveryValue()
    {
        var sent = await ForwardAsync(Target(), request =>
        {
            request.Method = "POST";
            request.ContentLength = 2;
            request.ContentType = "application/json";
            request.Headers.ContentEncoding = "identity";
            request.Headers.Accept = new Microsoft.Extensions.Primitives.StringValues(["application/json", "text/event-stream"]);
            request.Body = new MemoryStream("{}"u8.ToArray());
        });

        Assert.Equal("application/json", sent["content-type"]);
        Assert.Equal("2", sent["content-length"]);
        Assert.Equal("identity", sent["content-encoding"]);
        Assert.Equal("application/json, text/event-stream", sent["accept"]);
    }

    [Theory]
    [InlineData("Authorization", "Replace", "Bearer s3cret", null)]
    [InlineData("Authorization", "Strip", "Bearer s3cret", null)]
    [InlineData("X-API-Key", "Pass", null, "Bearer caller, Bearer caller-2")]
    [InlineData("X-API-Key", "Strip", null, null)]
    public async Task Credential_IsTheOnlyValueOfItsHeader_CallersAuthorizationPerMode(string header, string modeName, string? expectedAuthorization, string? passedAuthorization)
    {
        var mode = Enum.Parse<CallerAuthorization>(modeName);
        var credential = Credential(header, mode, header == "Authorization" ? "Bearer s3cret" : "s3cret");
        var sent = await ForwardAsync(Target(credential: credential), request =>
        {
            request.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues(["Bearer caller", "Bearer caller-2"]);
            request.Headers["X-API-Key"] = new Microsoft.Extensions.Primitives.StringValues(["forged-1", "forged-2"]);
            request.Headers["x_api_key"] = "forged-3";
            request.Headers["X-Other"] = "kept";
        });

        if (header == "Authorization")
        {
            Assert.Equal(expectedAuthorization, sent["authorization"]);
            Assert.Equal("forged-1, forged-2", sent["x-api-key"]); // not the credential's header here: the caller's own
        }
        else
        {
            Assert.Equal("s3cret", sent["x-api-key"]);
            Assert.Equal(passedAuthorization, sent.GetValueOrDefault("authorization"));
            Assert.False(sent.ContainsKey("x_api_key"));
        }

        Assert.Equal("kept", sent["x-other"]);
        Assert.DoesNotContain(sent.Values, v => v.Contains("forged", StringComparison.Ordinal) && header != "Authorization");
    }

    [Fact]
    public async Task Credential_FileRewrittenBetweenRequests_EachRequestCarriesOneWholeValue()
    {
        using var dir = new TempDirectory();
        var file = dir.File("token");
        File.WriteAllText(file, "old\n");
        var value = CredentialFile.Read(file, "Bearer ").Value!;
        var credential = new UpstreamCredential("echo", new CredentialSettings("Authorization", file, "Bearer ", CallerAuthorization.Replace) { Value = value });
        var target = Target(credential: credential);

        var before = await ForwardAsync(target, _ => { });
        File.WriteAllText(file, "new\n");
        var unchanged = await ForwardAsync(target, _ => { });
        Assert.Equal(FilePollResult.Reloaded, credential.Poll().Result);
        var after = await ForwardAsync(target, _ => { });

        Assert.Equal("Bearer old", before["authorization"]);
        Assert.Equal("Bearer old", unchanged["authorization"]); // until the file is read again
        Assert.Equal("Bearer new", after["authorization"]);
    }

    private static UpstreamCredential Credential(string header, CallerAuthorization mode, string value) =>
        new("echo", new CredentialSettings(header, "/run/secrets/token", "", mode) { Value = new SecretHeaderValue(value) });

    private static ForwardTarget Target(string? hostHeader = null, bool addForwardedHeaders = true, UpstreamCredential? credential = null) =>
        new("http://upstream:9000", hostHeader, addForwardedHeaders, TimeSpan.Zero, HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower, credential);

    /// <summary>Forwards one request built by <paramref name="build"/> and returns the headers the next hop was sent, names lower-cased.</summary>
    private static async Task<Dictionary<string, string>> ForwardAsync(ForwardTarget target, Action<HttpRequest> build, IPAddress? forwardedFor = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Host = new HostString(CallerHost);
        context.Request.Path = "/mcp";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/mcp";
        context.Response.Body = new MemoryStream();
        build(context.Request);

        Dictionary<string, string>? sent = null;
        var forwarder = new HttpForwarder(new HttpMessageInvoker(new CapturingHandler(request =>
        {
            sent = request.Headers.NonValidated.Concat(request.Content?.Headers.NonValidated ?? Enumerable.Empty<KeyValuePair<string, System.Net.Http.Headers.HeaderStringValues>>())
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));
        })));

        var result = await forwarder.ForwardAsync(context, target, forwardedFor);

        Assert.Equal(ForwarderError.None, result.Error);
        return sent!;
    }

    private sealed class CapturingHandler(Action<HttpRequestMessage> capture) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            capture(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
