using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using McpTunnel.Proxy.Listener;
using McpTunnel.Proxy.Listener.Framing;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Listener;

/// <summary>
/// RFC 6455 framing on the outer connection's pipes (the WebSocket carrying the inner TLS bytes): what the client sends is checked, unmasked
/// and concatenated; what the proxy sends is framed unmasked; control frames and keep-alive behave as the RFC says.
/// Real pipes stand in for the socket; the client side is written byte for byte here.
/// </summary>
public sealed class WebSocketServerStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed class Harness : IAsyncDisposable
    {
        // No backpressure by default: a test writes a whole large frame before it reads anything back.
        public Pipe ClientToServer { get; } = new(new PipeOptions(pauseWriterThreshold: 0));

        public Pipe ServerToClient { get; }

        public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The keep-alive's clock: time passes only when a test advances it.</summary>
        public FakeTimeProvider Clock { get; } = new();

        public WebSocketServerStream Stream { get; }

        /// <param name="outputLimit">Bytes the server may write before a peer that does not read holds its writes back.</param>
        public Harness(TimeSpan? pingInterval = null, TimeSpan? pingTimeout = null, long outputLimit = 0)
        {
            ServerToClient = new(new PipeOptions(pauseWriterThreshold: outputLimit, resumeWriterThreshold: outputLimit / 2));
            Stream = new WebSocketServerStream(ClientToServer.Reader, ServerToClient.Writer, () => Aborted.TrySetResult(),
                pingInterval ?? TimeSpan.FromHours(1), pingTimeout ?? TimeSpan.FromHours(1), Clock);
        }

        /// <summary>
        /// The clock moves <paramref name="kept"/> on, and the peer must still be connected; then 15 s more, to
        /// <paramref name="deadline"/>, and the peer must have been cut as unresponsive.
        /// </summary>
        public void AssertKeptThenCut(TimeSpan kept, string deadline)
        {
            Clock.Advance(kept);
            Assert.False(Aborted.Task.IsCompleted, $"cut before {deadline}");
            Clock.Advance(TimeSpan.FromSeconds(15));

            Assert.True(Aborted.Task.IsCompleted, $"not cut at {deadline}");
            Assert.True(Stream.PeerUnresponsive);
        }

        public async Task SendAsync(byte[] bytes, int chunk = int.MaxValue)
        {
            for (var i = 0; i < bytes.Length; i += chunk)
            {
                await ClientToServer.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
            }
        }

        /// <summary>Reads one server frame: (opcode, payload).</summary>
        public async Task<(int Opcode, byte[] Payload)> ReceiveFrameAsync()
        {
            using var deadline = new CancellationTokenSource(Wait);
            var reader = ServerToClient.Reader;
            while (true)
            {
                var result = await reader.ReadAsync(deadline.Token);
                var bytes = result.Buffer.ToArray();
                if (bytes.Length >= 2)
                {
                    Assert.Equal(0x80, bytes[0] & 0xF0); // FIN, no reserved bits
                    Assert.Equal(0, bytes[1] & 0x80);    // server frames are never masked
                    long length = bytes[1] & 0x7F;
                    var header = 2;
                    if (length == 126 && bytes.Length >= 4)
                    {
                        length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2));
                        header = 4;
                    }
                    else if (length == 127 && bytes.Length >= 10)
                    {
                        length = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(2));
                        header = 10;
                    }

                    if ((length < 126 || header > 2) && bytes.Length >= header + length)
                    {
                        reader.AdvanceTo(result.Buffer.GetPosition(header + length));
                        return (bytes[0] & 0x0F, bytes.AsSpan(header, (int)length).ToArray());
                    }
                }

                Assert.False(result.IsCompleted, "the server side completed before a whole frame arrived");
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }

        /// <summary>Reads <paramref name="count"/> bytes of what the server sent, as a peer that reads would.</summary>
        public async Task DrainAsync(int count)
        {
            using var deadline = new CancellationTokenSource(Wait);
            var reader = ServerToClient.Reader;
            while (count > 0)
            {
                var result = await reader.ReadAsync(deadline.Token);
                var take = (int)Math.Min(count, result.Buffer.Length);
                reader.AdvanceTo(result.Buffer.GetPosition(take));
                count -= take;
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count)
        {
            using var deadline = new CancellationTokenSource(Wait);
            var received = new byte[count];
            var total = 0;
            while (total < count)
            {
                var read = await Stream.ReadAsync(received.AsMemory(total), deadline.Token);
                Assert.NotEqual(0, read);
                total += read;
            }

            return received;
        }

        public async ValueTask DisposeAsync() => await Stream.DisposeAsync();
    }

    /// <summary>A client frame: FIN + opcode, MASK bit, length, 4-byte key, masked payload (RFC 6455 section 5.2).</summary>
    private static byte[] ClientFrame(int opcode, byte[] payload, bool final = true, bool masked = true, byte[]? key = null)
    {
        key ??= [0x37, 0xfa, 0x21, 0x3d];
        var header = new List<byte> { (byte)((final ? 0x80 : 0) | opcode) };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            header.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        if (masked)
        {
            header.AddRange(key);
        }

        var body = payload.Select((b, i) => masked ? (byte)(b ^ key[i % 4]) : b);
        return [.. header, .. body];
    }

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

    [Theory]
    [InlineData(1, int.MaxValue)]
    [InlineData(125, 1)]
    [InlineData(126, 3)]
    [InlineData(65_535, 1000)]
    [InlineData(65_536, 4096)]
    [InlineData(200_000, 7777)]
    public async Task MaskedBinaryFrames_ArriveUnmasked_WhateverTheChunking(int length, int chunk)
    {
        await using var harness = new Harness();
        var payload = Pattern(length);

        await harness.SendAsync(ClientFrame(2, payload), chunk);

        Assert.Equal(payload, await harness.ReadExactlyAsync(length));
    }

    [Fact]
    public async Task FragmentedAndEmptyFrames_FormOneByteStream()
    {
        await using var harness = new Harness();
        var payload = Pattern(300);

        await harness.SendAsync([
            .. ClientFrame(2, payload[..100], final: false),
            .. ClientFrame(0, [], final: false),
            .. ClientFrame(0, payload[100..], key: [1, 2, 3, 4]),
            .. ClientFrame(2, []),
        ]);

        Assert.Equal(payload, await harness.ReadExactlyAsync(300));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Unmask_MatchesTheByteByByteDefinition_AtEveryKeyOffset(int offset)
    {
        var key = new byte[] { 0x11, 0xa5, 0x5a, 0xf0 };
        var mask = BitConverter.ToUInt32(key);
        foreach (var length in new[] { 0, 1, 3, 7, 8, 9, 31, 32, 33, 64, 100, 1000 })
        {
            var data = Pattern(length);
            var expected = data.Select((b, i) => (byte)(b ^ key[(offset + i) % 4])).ToArray();

            var next = WebSocketMasking.Unmask(data, mask, offset);

            Assert.Equal(expected, data);
            Assert.Equal((offset + length) % 4, next);
        }
    }

    [Fact]
    public async Task Ping_IsAnsweredWithAPongCarryingTheSamePayload_AndDataAfterItStillArrives()
    {
        await using var harness = new Harness();
        byte[] ping = [1, 2, 3];
        var read = harness.ReadExactlyAsync(4);

        await harness.SendAsync([.. ClientFrame(9, ping), .. ClientFrame(2, [9, 8, 7, 6])]);

        Assert.Equal([9, 8, 7, 6], await read);
        var (opcode, payload) = await harness.ReceiveFrameAsync();
        Assert.Equal(0xA, opcode);
        Assert.Equal(ping, payload);
    }

    [Fact]
    public async Task CloseFromThePeer_EndsTheStream_AndIsEchoed()
    {
        await using var harness = new Harness();

        await harness.SendAsync(ClientFrame(8, [0x03, 0xE9])); // 1001 going away

        Assert.Equal(0, await harness.Stream.ReadAsync(new byte[10]));
        var (opcode, payload) = await harness.ReceiveFrameAsync();
        Assert.Equal(8, opcode);
        Assert.Equal(1001, BinaryPrimitives.ReadUInt16BigEndian(payload));
    }

    [Fact]
    public async Task TextFrame_FailsTheRead_AndClosesWith1003()
    {
        await using var harness = new Harness();

        await harness.SendAsync(ClientFrame(1, "hello"u8.ToArray()));

        await Assert.ThrowsAsync<IOException>(async () => _ = await harness.Stream.ReadAsync(new byte[10]));
        Assert.True(harness.Stream.RejectedTextMessage);
        var (opcode, payload) = await harness.ReceiveFrameAsync();
        Assert.Equal(8, opcode);
        Assert.Equal((int)WebSocketCloseStatus.InvalidMessageType, BinaryPrimitives.ReadUInt16BigEndian(payload));
    }

    public static TheoryData<string, byte[]> ProtocolViolations => new()
    {
        { "unmasked client frame", ClientFrame(2, [1, 2], masked: false) },
        { "reserved bit", [.. ClientFrame(2, [1]).Select((b, i) => i == 0 ? (byte)(b | 0x40) : b)] },
        { "unknown opcode", ClientFrame(3, [1]) },
        { "fragmented ping", ClientFrame(9, [1], final: false) },
        { "oversized close", ClientFrame(8, new byte[126]) },
        { "continuation without a message", ClientFrame(0, [1, 2]) },
        { "new message inside a fragmented one", [.. ClientFrame(2, [1], final: false), .. ClientFrame(2, [2])] },
        { "close with a 1-byte body", ClientFrame(8, [0x03]) },
        { "close status 1005 (never sent)", ClientFrame(8, [0x03, 0xED]) },
        { "close status 1006 (never sent)", ClientFrame(8, [0x03, 0xEE]) },
        { "close status 999", ClientFrame(8, [0x03, 0xE7]) },
        { "close status 5000", ClientFrame(8, [0x13, 0x88]) },
    };

    [Theory]
    [MemberData(nameof(ProtocolViolations))]
    public async Task ProtocolViolation_FailsTheRead_AndClosesWith1002(string violation, byte[] frame)
    {
        await using var harness = new Harness();

        await harness.SendAsync(frame);

        // Payload before the violation (a fragmented message's first frame) is still delivered; then the read fails.
        await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (await harness.Stream.ReadAsync(new byte[10]) > 0)
            {
            }
        });
        Assert.False(string.IsNullOrEmpty(harness.Stream.ProtocolError), violation);
        var (opcode, payload) = await harness.ReceiveFrameAsync();
        Assert.Equal(8, opcode);
        Assert.Equal((int)WebSocketCloseStatus.ProtocolError, BinaryPrimitives.ReadUInt16BigEndian(payload));
    }

    [Fact]
    public async Task CloseWithAReasonThatIsNotUtf8_FailsTheRead_AndClosesWith1007()
    {
        await using var harness = new Harness();

        await harness.SendAsync(ClientFrame(8, [0x03, 0xE8, 0xC3, 0x28])); // 1000, then an invalid 2-byte sequence

        await Assert.ThrowsAsync<IOException>(async () => _ = await harness.Stream.ReadAsync(new byte[10]));
        var (opcode, payload) = await harness.ReceiveFrameAsync();
        Assert.Equal(8, opcode);
        Assert.Equal((int)WebSocketCloseStatus.InvalidPayloadData, BinaryPrimitives.ReadUInt16BigEndian(payload));
    }

    [Theory]
    [InlineData(new byte[] { 0x03, 0xE8 }, 1000)]
    [InlineData(new byte[] { 0x0F, 0xA0, 0x6F, 0x6B }, 4000)] // private-use status with a reason ("ok")
    [InlineData(new byte[0], 1000)]                              // no body: answered with 1000
    public async Task WellFormedClose_IsEchoedWithTheStatus(byte[] body, int expected)
    {
        await using var harness = new Harness();

        await harness.SendAsync(ClientFrame(8, body));

        Assert.Equal(0, await harness.Stream.ReadAsync(new byte[10]));
        Assert.Null(harness.Stream.ProtocolError);
        var (opcode, payload) = await harness.ReceiveFrameAsync();
        Assert.Equal(8, opcode);
        Assert.Equal(expected, BinaryPrimitives.ReadUInt16BigEndian(payload));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(200)]
    [InlineData(70_000)]
    public async Task Writes_BecomeOneUnmaskedBinaryFrameEach(int length)
    {
        await using var harness = new Harness();
        var payload = Pattern(length);

        await harness.Stream.WriteAsync(payload);

        var (opcode, received) = await harness.ReceiveFrameAsync();
        Assert.Equal(2, opcode);
        Assert.Equal(payload, received);
    }

    [Fact]
    public async Task ZeroByteRead_CompletesOnlyOncePayloadIsThere_AndConsumesNothing()
    {
        await using var harness = new Harness();
        await harness.SendAsync(ClientFrame(9, [])); // a control frame alone is not data
        var waiting = harness.Stream.ReadAsync(Memory<byte>.Empty).AsTask();
        _ = await harness.ReceiveFrameAsync();       // the pong proves the ping was processed
        Assert.False(waiting.IsCompleted);

        await harness.SendAsync(ClientFrame(2, [42]));

        Assert.Equal(0, await waiting.WaitAsync(Wait));
        Assert.Equal([42], await harness.ReadExactlyAsync(1));
    }

    [Fact]
    public async Task KeepAlive_PingsAnIdlePeer_AndCutsItWhenNothingComesBack()
    {
        await using var harness = new Harness(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        harness.Stream.StartKeepAlive();

        harness.Clock.Advance(TimeSpan.FromSeconds(30));
        var (opcode, _) = await harness.ReceiveFrameAsync();
        Assert.Equal(9, opcode);
        harness.AssertKeptThenCut(TimeSpan.FromSeconds(15), "the ping timeout");
    }

    [Fact]
    public async Task KeepAlive_WhenTheOutputIsAlreadyGone_SkipsThePingInsteadOfThrowingOnTheTimer()
    {
        // At shutdown a connection's output can be completed (or its memory pool disposed) before the keep-alive's
        // timer is: the tick must not throw, since an exception on a timer thread ends the process.
        await using var harness = new Harness(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        harness.Stream.StartKeepAlive();
        await harness.ServerToClient.Writer.CompleteAsync();

        var tick = Record.Exception(() => harness.Clock.Advance(TimeSpan.FromSeconds(30)));

        Assert.Null(tick);
        Assert.False(harness.Aborted.Task.IsCompleted);
    }

    [Fact]
    public async Task KeepAlive_KeepsAPeerThatAnswers()
    {
        await using var harness = new Harness(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        harness.Stream.StartKeepAlive();

        // Answer three pings in a row, each a full timeout apart: every answer must reset the dead-peer clock.
        for (var i = 0; i < 3; i++)
        {
            harness.Clock.Advance(TimeSpan.FromSeconds(30));
            var (opcode, payload) = await harness.ReceiveFrameAsync();
            Assert.Equal(9, opcode);

            // The pong, then one byte of data: once the byte is read, the pong before it has been handled.
            var reading = harness.Stream.ReadAsync(new byte[1]).AsTask();
            await harness.SendAsync([.. ClientFrame(0xA, payload), .. ClientFrame(0x2, [7])]);
            Assert.Equal(1, await reading.WaitAsync(Wait));
            harness.Clock.Advance(TimeSpan.FromSeconds(15));
        }

        Assert.False(harness.Aborted.Task.IsCompleted, "the peer answered every ping but was cut");
    }

    [Fact]
    public async Task KeepAlive_CutsAPeerThatStopsReading_WhileAWriteIsStuck()
    {
        // The peer reads nothing, so the server's write waits for room that never comes and no ping can be sent.
        await using var harness = new Harness(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), outputLimit: 1024);
        harness.Stream.StartKeepAlive();
        var write = harness.Stream.WriteAsync(new byte[64 * 1024]).AsTask();
        Assert.False(write.IsCompleted);

        harness.AssertKeptThenCut(TimeSpan.FromSeconds(45), "ping interval + ping timeout");
    }

    [Fact]
    public async Task KeepAlive_KeepsAPeerThatReadsSlowly()
    {
        // Every write is held back for a while, but each one completes: the peer is reading, however slowly.
        await using var harness = new Harness(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), outputLimit: 1024);
        harness.Stream.StartKeepAlive();
        for (var i = 0; i < 4; i++)
        {
            var write = harness.Stream.WriteAsync(new byte[4 * 1024]).AsTask();
            harness.Clock.Advance(TimeSpan.FromSeconds(45));
            await harness.DrainAsync(4 + (4 * 1024)); // frame header (126 + 16-bit length) and payload
            await write.WaitAsync(Wait);
        }

        Assert.False(harness.Aborted.Task.IsCompleted, "a peer that kept reading was cut");
    }
}
