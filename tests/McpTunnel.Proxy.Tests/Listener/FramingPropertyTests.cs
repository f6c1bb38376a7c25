using System.Buffers.Binary;
using System.IO.Pipelines;
using CsCheck;
using McpTunnel.Proxy.Listener;
using McpTunnel.Proxy.Listener.Framing;

namespace McpTunnel.Proxy.Tests.Listener;

/// <summary>Invariants of the server-side framing, checked on generated inputs rather than chosen examples.</summary>
public sealed class FramingPropertyTests
{
    [Fact]
    public void Unmask_EqualsByteWiseXor_ForEveryLengthAndKeyOffset()
    {
        Gen.Select(Gen.Byte.Array[0, 300], Gen.UInt, Gen.Int[0, 3]).Sample((data, mask, offset) =>
        {
            var expected = new byte[data.Length];
            for (var i = 0; i < data.Length; i++)
            {
                expected[i] = (byte)(data[i] ^ (byte)(mask >> ((offset + i) % 4 * 8)));
            }

            var actual = data.ToArray();
            var next = WebSocketMasking.Unmask(actual, mask, offset);

            Assert.Equal(expected, actual);
            Assert.Equal((offset + data.Length) % 4, next);
        });
    }

    [Fact]
    public async Task TunnelByteStream_IsTheSame_HoweverTheWebSocketFragmentsIt()
    {
        // A payload, cut into frames of generated sizes (binary, then continuations, with message ends where the
        // generator puts them), sent in wire chunks of a generated size: the stream must read back the payload.
        var gen = Gen.Select(Gen.Byte.Array[1, 3000], Gen.Int[1, 700].Array[1, 12], Gen.Bool.Array[12], Gen.Int[1, 500]);
        await gen.SampleAsync(async (payload, sizes, messageEnds, wireChunk) =>
        {
            var wire = new List<byte>();
            var position = 0;
            var frame = 0;
            var inMessage = false;
            while (position < payload.Length)
            {
                var size = Math.Min(sizes[frame % sizes.Length], payload.Length - position);
                var last = position + size == payload.Length;
                var final = last || messageEnds[frame % messageEnds.Length];
                wire.AddRange(MaskedFrame(inMessage ? 0x0 : 0x2, payload.AsSpan(position, size), final, (uint)(frame * 0x9E3779B9)));
                inMessage = !final;
                position += size;
                frame++;
            }

            var input = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
            var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
            await using var stream = new WebSocketServerStream(input.Reader, output.Writer, () => { }, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
            var bytes = wire.ToArray();
            for (var i = 0; i < bytes.Length; i += wireChunk)
            {
                await input.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(wireChunk, bytes.Length - i)));
            }

            await input.Writer.CompleteAsync();
            var received = new MemoryStream();
            var buffer = new byte[257];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            Assert.Equal(payload, received.ToArray());
        });
    }

    private static byte[] MaskedFrame(int opcode, ReadOnlySpan<byte> payload, bool final, uint key)
    {
        var header = new List<byte> { (byte)((final ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            header.Add(0x80 | 126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }

        var mask = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(mask, key);
        header.AddRange(mask);
        var masked = payload.ToArray();
        for (var i = 0; i < masked.Length; i++)
        {
            masked[i] ^= mask[i % 4];
        }

        header.AddRange(masked);
        return [.. header];
    }
}
