using System.Text;
using McpTunnel.Proxy.Hosting;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// The Connection header as Kestrel reads it through <see cref="ConnectionHeaderEncoding"/>: every field name kept,
/// never exactly one of keep-alive, close, upgrade (the case in which Kestrel replaced the value with that word).
/// </summary>
public sealed class ConnectionHeaderEncodingTests
{
    [Theory]
    [InlineData("X-Forwarded-For, Authorization", "X-Forwarded-For, Authorization")]
    [InlineData("keep-alive, Authorization, Mcp-Session-Id", "keep-alive\t, Authorization, Mcp-Session-Id")]
    [InlineData("Keep-Alive", "Keep-Alive\t")]
    [InlineData("close, Authorization", "close, Authorization,keep-alive")]
    [InlineData("close", "close,keep-alive")]
    [InlineData("Upgrade", "Upgrade,keep-alive")]
    [InlineData("keep-alive, close", "keep-alive\t, close,keep-alive")]
    [InlineData("closed, upgrades", "closed, upgrades")]
    public void Decode_KeepsEveryName_AndNeverOneOfKestrelsWordsAlone(string sent, string read)
    {
        Assert.Equal(read, ConnectionHeaderEncoding.Instance.GetString(Encoding.ASCII.GetBytes(sent)));
    }

    [Fact]
    public void Decode_ValueWithNulOrInvalidUtf8_IsRefused()
    {
        // Kestrel turns a decoding failure into 400, as its default decoding does for the same bytes.
        Assert.Throws<DecoderFallbackException>(() => ConnectionHeaderEncoding.Instance.GetString([(byte)'a', 0, (byte)'b']));
        Assert.Throws<DecoderFallbackException>(() => ConnectionHeaderEncoding.Instance.GetString([(byte)'a', 0xFF]));
    }

    [Theory]
    [InlineData("Connection", true)]
    [InlineData("connection", true)]
    [InlineData("Proxy-Connection", false)]
    [InlineData("Content-Length", false)]
    public void Select_OnlyForConnection(string name, bool selected) =>
        Assert.Equal(selected, ConnectionHeaderEncoding.Select(name) is not null);
}
