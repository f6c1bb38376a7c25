using System.Buffers;
using System.IO.Pipelines;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The request body as the forwarder reads it, with the first <see cref="Limit"/> bytes copied aside as they pass so
/// that <see cref="McpMessagePeek"/> can name the MCP method and tool. It never waits for bytes the forwarder has not
/// asked for and never holds any back: the peek sees each chunk after the forwarder's read returns it, so the stream
/// is not delayed. Once the answer is known (or the limit is reached) reads go straight to the inner reader.
/// <para>
/// The peek must never disturb the request: every step of it runs inside one catch, and whatever goes wrong there
/// (a body that is not JSON or not UTF-8, or a fault of ours) only ends the peek and records the body as
/// <see cref="McpBodyState.Unreadable"/>. Exceptions of the inner reader (the client's own body failing) pass unchanged.
/// </para>
/// </summary>
internal sealed class PeekingBodyReader(PipeReader inner, McpRequestInfo info) : PipeReader
{
    /// <summary>MCP requests name their method in the first few hundred bytes; a body that does not within 4 KB is <c>unknown</c>.</summary>
    public const int Limit = 4096;

    /// <summary>
    /// The prefix is read again from its start only after this many new bytes (or when the body or the limit ends): a
    /// body arriving a byte at a time costs a few parses, not one per byte.
    /// </summary>
    private const int ParseStep = 1024;

    private readonly Lock _gate = new();
    private byte[]? _prefix = ArrayPool<byte>.Shared.Rent(Limit);
    private int _length;
    private int _parsedLength;
    private long _consumed;
    private ReadOnlySequence<byte> _lastBuffer;

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

        Observe(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed)
    {
        Consumed(consumed);
        inner.AdvanceTo(consumed);
    }

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        Consumed(consumed);
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        lock (_gate)
        {
            Release();
        }

        inner.Complete(exception);
    }

    /// <summary>
    /// Called when the request ends: a body the forwarder did not read to the end (the upstream answered first, the
    /// client went away) is judged on the bytes that did pass.
    /// </summary>
    public void Conclude()
    {
        lock (_gate)
        {
            if (_prefix is { } prefix)
            {
                Peek(prefix, final: false, settle: true);
            }
        }
    }

    private async ValueTask<ReadResult> ObserveAsync(ValueTask<ReadResult> pending) => Observe(await pending);

    private ReadResult Observe(ReadResult result)
    {
        if (_prefix is null)
        {
            return result;
        }

        lock (_gate)
        {
            try
            {
                if (_prefix is { } prefix)
                {
                    Copy(prefix, result);
                }
            }
            catch (Exception)
            {
                GiveUp();
            }
        }

        return result;
    }

    private void Copy(byte[] prefix, ReadResult result)
    {
        // The buffer starts at the first byte the forwarder has not consumed; bytes of it already copied (a consumer
        // that advanced only part of the last buffer) are not copied twice.
        var buffer = result.Buffer;
        _lastBuffer = buffer;
        var alreadyCopied = _length - _consumed;
        if (alreadyCopied < buffer.Length && _length < Limit)
        {
            var take = (int)Math.Min(buffer.Length - alreadyCopied, Limit - _length);
            buffer.Slice(alreadyCopied, take).CopyTo(prefix.AsSpan(_length));
            _length += take;
        }

        var wholeBody = result.IsCompleted && _consumed + buffer.Length == _length;
        if (wholeBody || _length == Limit)
        {
            Peek(prefix, final: wholeBody, settle: true);
        }
        else if (_length - _parsedLength >= ParseStep)
        {
            Peek(prefix, final: false, settle: false);
        }
    }

    private void Peek(byte[] prefix, bool final, bool settle)
    {
        try
        {
            _parsedLength = _length;
            var peek = McpMessagePeek.Read(prefix.AsSpan(0, _length), final);
            if (peek.State != McpBodyState.Pending || settle)
            {
                info.Body = peek.Settle();
                Release();
            }
        }
        catch (Exception)
        {
            GiveUp();
        }
    }

    private void Consumed(SequencePosition consumed)
    {
        if (_prefix is null)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                if (_prefix is not null)
                {
                    _consumed += _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
                }
            }
            catch (Exception)
            {
                GiveUp();
            }
        }
    }

    private void GiveUp()
    {
        info.Body = McpBodyPeek.Unreadable;
        Release();
    }

    private void Release()
    {
        if (_prefix is { } prefix)
        {
            _prefix = null;
            _lastBuffer = default;
            ArrayPool<byte>.Shared.Return(prefix);
        }
    }
}
