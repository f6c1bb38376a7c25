using System.Buffers;
using System.Text;
using McpTunnel.Proxy.Listener;

namespace McpTunnel.Proxy.Tests.Listener;

/// <summary>
/// The opening handshake read off the outer connection (RFC 6455 section 4.2.1): only a clean upgrade is a tunnel;
/// everything else must be left to Kestrel's HTTP/1.1 parser (426 page, 400, 431).
/// </summary>
public sealed class WebSocketUpgradeTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static string Request(string headers = "", string requestLine = "GET /tunnel HTTP/1.1") =>
        $"{requestLine}\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n{headers}\r\n";

    private static UpgradeParse Parse(string text, out string key, out long headLength)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        var result = WebSocketUpgrade.TryParse(buffer, out var end, out key);
        headLength = buffer.Slice(0, end).Length;
        return result;
    }

    /// <summary>The well-formed upgrade request with one of its lines (<paramref name="original"/>) written as <paramref name="replacement"/>.</summary>
    private static UpgradeParse ParseWithLineReplaced(string original, string replacement)
    {
        var request = Request();
        Assert.Contains(original, request, StringComparison.Ordinal); // a row that replaces nothing would test the untouched request
        return Parse(request.Replace(original, replacement, StringComparison.Ordinal), out _, out _);
    }

    [Fact]
    public void AcceptValue_MatchesTheRfcExample()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketUpgrade.ComputeAccept(Key));
    }

    [Fact]
    public void CleanUpgrade_IsATunnel_AndBytesAfterTheHeadStayUnread()
    {
        var request = Request();

        var result = Parse(request + "\x82\x80rest", out var key, out var headLength);

        Assert.Equal(UpgradeParse.Upgrade, result);
        Assert.Equal(Key, key);
        Assert.Equal(request.Length, headLength);
    }

    [Fact]
    public void HeadSplitAcrossSegments_IsStillRecognised()
    {
        var bytes = Encoding.ASCII.GetBytes(Request());
        var first = new Segment(bytes.AsMemory(0, 7));
        var last = first.Append(bytes.AsMemory(7, 50)).Append(bytes.AsMemory(57));
        var buffer = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        Assert.Equal(UpgradeParse.Upgrade, WebSocketUpgrade.TryParse(buffer, out _, out var key));
        Assert.Equal(Key, key);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r")]
    public void PartialHead_AsksForMoreBytes(string text)
    {
        Assert.Equal(UpgradeParse.Incomplete, Parse(text, out _, out _));
    }

    [Theory]
    [InlineData("Connection: Upgrade", "connection: keep-alive, upgrade")]
    [InlineData("Upgrade: websocket", "UPGRADE: WebSocket")]
    [InlineData("Sec-WebSocket-Version: 13", "sec-websocket-version:13")]
    public void HeaderNamesAndTokens_AreCaseInsensitive_AndListsAreSearched(string original, string replacement)
    {
        Assert.Equal(UpgradeParse.Upgrade, ParseWithLineReplaced(original, replacement));
    }

    [Theory]
    [InlineData("POST /tunnel HTTP/1.1", "", "a method other than GET")]
    [InlineData("GET /tunnel HTTP/1.0", "", "HTTP/1.0")]
    [InlineData("GET http://x/ HTTP/1.1", "", "absolute-form target")]
    [InlineData("GET /a b HTTP/1.1", "", "space in the target")]
    [InlineData("GET /tunnel HTTP/1.1", "Content-Length: 5\r\n", "a body")]
    [InlineData("GET /tunnel HTTP/1.1", "Transfer-Encoding: chunked\r\n", "a chunked body")]
    [InlineData("GET /tunnel HTTP/1.1", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n", "a second key")]
    [InlineData("GET /tunnel HTTP/1.1", "Host: other\r\n", "a second Host")]
    [InlineData("GET /tunnel HTTP/1.1", "X-Folded: a\r\n b\r\n", "obs-fold")]
    [InlineData("GET /tunnel HTTP/1.1", "Bad Name: a\r\n", "whitespace in a header name")]
    [InlineData("GET /tunnel HTTP/1.1", "X-Lf: a\nInjected: b\r\n", "a bare LF")]
    public void SuspiciousOrNonUpgradeRequests_AreLeftToKestrel(string requestLine, string extraHeaders, string why)
    {
        Assert.True(Parse(Request(extraHeaders, requestLine), out _, out _) == UpgradeParse.NotUpgrade, why);
    }

    [Theory]
    [InlineData("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")]
    [InlineData("Sec-WebSocket-Key: " + Key, "Sec-WebSocket-Key: short")]
    [InlineData("Sec-WebSocket-Key: " + Key, "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Upgrade: websocket", "Upgrade: h2c")]
    [InlineData("Connection: Upgrade", "Connection: keep-alive")]
    [InlineData("Host: 127.0.0.1:8080", "X-Host: 127.0.0.1:8080")]
    public void MissingOrInvalidWebSocketHeaders_AreNotATunnel(string original, string replacement)
    {
        Assert.Equal(UpgradeParse.NotUpgrade, ParseWithLineReplaced(original, replacement));
    }

    [Fact]
    public void OversizedHead_IsLeftToKestrel_WhichAnswers431()
    {
        var huge = Request("X-Big: " + new string('a', WebSocketUpgrade.MaxHeadBytes) + "\r\n");

        Assert.Equal(UpgradeParse.NotUpgrade, Parse(huge, out _, out _));
        Assert.Equal(UpgradeParse.NotUpgrade, Parse(huge[..(WebSocketUpgrade.MaxHeadBytes + 10)], out _, out _));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
