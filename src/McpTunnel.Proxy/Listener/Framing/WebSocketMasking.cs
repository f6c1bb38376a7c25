using System.Numerics;
using System.Runtime.InteropServices;

namespace McpTunnel.Proxy.Listener.Framing;

/// <summary>RFC 6455 section 5.3: client payload is XORed with a 4-byte key; undone here, a vector at a time.</summary>
internal static class WebSocketMasking
{
    /// <summary>
    /// XORs <paramref name="data"/> with the 4-byte masking key, starting <paramref name="offset"/> bytes into the
    /// key (a frame's payload may arrive over several reads); returns the offset for the next byte.
    /// </summary>
    public static int Unmask(Span<byte> data, uint mask, int offset)
    {
        if (data.IsEmpty)
        {
            return offset;
        }

        // Rotate the key so that data[0] lines up with key byte `offset`, then widen it to 64 bits and to a vector
        // (little-endian layout: key byte 0 is the lowest byte of the uint read from the frame).
        var rotated = BitOperations.RotateRight(mask, offset * 8);
        var wide = ((ulong)rotated << 32) | rotated;
        var position = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            var maskVector = Vector.AsVectorByte(new Vector<ulong>(wide));
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            for (var i = 0; i < vectors.Length; i++)
            {
                vectors[i] ^= maskVector;
            }

            position = vectors.Length * Vector<byte>.Count;
        }

        var words = MemoryMarshal.Cast<byte, ulong>(data[position..]);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] ^= wide;
        }

        position += words.Length * sizeof(ulong);
        for (; position < data.Length; position++)
        {
            data[position] ^= (byte)(wide >> (position % 4 * 8));
        }

        return (offset + data.Length) & 3;
    }
}
