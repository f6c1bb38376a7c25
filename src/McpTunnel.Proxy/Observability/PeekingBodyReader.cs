using System.Buffers;
using System.IO.Pipelines;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The request body as the forwarder reads it, with the first <see cref="Limit"/> bytes copied aside as they pass so
/// that <see cref="McpMessagePeek"/> can name the MCP method and tool. It never waits for bytes the forwarder has not
/// asked for and never holds any back: the peek sees each chunk after the forwarder's read returns it, so the stream
/// is not delayed. Once the answer is known (or the limit is reached) reads go straight to the inner reader.
/// </summary>
internal sealed class PeekingBodyReader(PipeReader inner, McpRequestInfo info) : PipeReader
{
    /// <summary>MCP requests name their method in the first few hundred bytes; a body that does not within 4 KB is <c>unknown</c>.</summary>
    public const int Limit = 4096;

    private byte[]? _prefix = ArrayPool<byte>.Shared.Rent(Limit);
    private int _length;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_prefix is null)
        {
            return inner.ReadAsync(cancellationToken);
        }

        var pending = inner.ReadAsync(cancellationToken);
        return pending.IsCompletedSuccessfully ? new ValueTask<ReadResult>(Observe(pending.Result)) : ObserveAsync(pending);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        if (_prefix is not null)
        {
            Observe(result);
        }

        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        Finish();
        inner.Complete(exception);
    }

    private async ValueTask<ReadResult> ObserveAsync(ValueTask<ReadResult> pending) => Observe(await pending);

    private ReadResult Observe(ReadResult result)
    {
        if (_prefix is null)
        {
            return result;
        }

        // The forwarder consumes each chunk whole, so a chunk is seen once; copy the new bytes up to the limit.
        var buffer = result.Buffer;
        var take = (int)Math.Min(buffer.Length, Limit - _length);
        buffer.Slice(0, take).CopyTo(_prefix.AsSpan(_length));
        _length += take;
        var final = result.IsCompleted || _length == Limit;
        if (McpMessagePeek.Read(_prefix.AsSpan(0, _length), result.IsCompleted && take == buffer.Length, out var method, out var tool) == McpMessagePeek.Outcome.Done || final)
        {
            info.Method ??= method;
            info.Tool ??= tool;
            Finish();
        }

        return result;
    }

    private void Finish()
    {
        if (_prefix is { } prefix)
        {
            _prefix = null;
            ArrayPool<byte>.Shared.Return(prefix);
        }
    }
}
