using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using McpTunnel.Proxy.Observability;

namespace McpTunnel.Proxy.Tests.Observability;

/// <summary>
/// The peek on the body's way to the forwarder: whatever the body and however it is split, the reader hands on
/// exactly the bytes that came in, and the record it leaves does not depend on the split.
/// </summary>
public sealed class PeekingBodyReaderTests
{
    private static readonly byte[] ToolCall = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_weather","arguments":{"city":"x"}}}""");

    [Theory]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(1, true)]
    [InlineData(4096, false)]
    public async Task Body_InAnyChunks_PassesUnchanged_AndNamesTheTool(int chunk, bool consumeHalf)
    {
        var (forwarded, info) = await PeekThroughAsync(ToolCall, chunk, consumeHalf);

        Assert.Equal(ToolCall, forwarded);
        Assert.Equal(new McpBodyPeek(McpBodyState.Message, "tools/call", "get_weather"), info.Body);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task InvalidUtf8_PassesByteForByte_AndIsUnreadable(int chunk)
    {
        var body = McpMessagePeekTests.Json("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"@"}}""");

        var (forwarded, info) = await PeekThroughAsync(body, chunk, consumeHalf: false);

        Assert.Equal(body, forwarded);
        Assert.Equal(McpBodyState.Unreadable, info.Body.State);
    }

    [Fact]
    public async Task LongToolCall_IsJudgedOnItsFirst4KB()
    {
        var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"upload","arguments":{"data":" """.TrimEnd() + new string('a', 100_000) + "\"}}}");

        var (forwarded, info) = await PeekThroughAsync(body, 1500, consumeHalf: false);

        Assert.Equal(body, forwarded);
        Assert.Equal(new McpBodyPeek(McpBodyState.Message, "tools/call", "upload", Bounded: true), info.Body);
    }

    [Fact]
    public async Task MethodAfterTheFirst4KB_IsBeyondTheLimit()
    {
        var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":" """.TrimEnd() + new string('1', 5000) + "\",\"method\":\"ping\"}");

        var (_, info) = await PeekThroughAsync(body, 512, consumeHalf: false);

        Assert.Equal(McpBodyState.BeyondLimit, info.Body.State);
    }

    [Fact]
    public async Task BodyNotReadToItsEnd_IsJudgedOnWhatPassedWhenTheRequestEnds()
    {
        var pipe = new Pipe();
        var info = new McpRequestInfo { CarriesMessage = true };
        var reader = new PeekingBodyReader(pipe.Reader, info);
        await pipe.Writer.WriteAsync(ToolCall.AsMemory(0, 60));
        var result = await reader.ReadAsync();
        reader.AdvanceTo(result.Buffer.End);
        Assert.Equal(McpBodyState.Pending, info.Body.State);

        reader.Conclude();

        Assert.Equal(new McpBodyPeek(McpBodyState.Message, "tools/call", null, Bounded: true), info.Body);
    }

    /// <summary>
    /// Writes <paramref name="body"/> into a pipe <paramref name="chunk"/> bytes at a time and reads it through the
    /// peek as the forwarder does (or consuming only half of each buffer, as another reader may), then concludes.
    /// </summary>
    internal static async Task<(byte[] Forwarded, McpRequestInfo Info)> PeekThroughAsync(byte[] body, int chunk, bool consumeHalf)
    {
        var pipe = new Pipe();
        var info = new McpRequestInfo { CarriesMessage = true };
        var reader = new PeekingBodyReader(pipe.Reader, info);
        var forwarded = new List<byte>();

        async Task<bool> ReadOnceAsync()
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            var take = consumeHalf && !result.IsCompleted ? buffer.Length / 2 : buffer.Length;
            forwarded.AddRange(buffer.Slice(0, take).ToArray());
            reader.AdvanceTo(buffer.GetPosition(take), buffer.End);
            return result.IsCompleted;
        }

        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            await pipe.Writer.WriteAsync(body.AsMemory(offset, Math.Min(chunk, body.Length - offset)));
            await ReadOnceAsync();
        }

        await pipe.Writer.CompleteAsync();
        while (!await ReadOnceAsync())
        {
        }

        reader.Conclude();
        return ([.. forwarded], info);
    }
}
