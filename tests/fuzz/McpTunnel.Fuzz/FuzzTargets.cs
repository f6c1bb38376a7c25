using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using McpTunnel.Common;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Listener;
using McpTunnel.Proxy.Listener.Framing;
using McpTunnel.Proxy.Observability;

namespace McpTunnel.Fuzz;

/// <summary>The harnesses: each states what the parser promises for any input, and fails loudly when it breaks it.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["upgrade"] = Upgrade,
        ["frame"] = Frame,
        ["config"] = Config,
        ["duration"] = Duration,
        ["policy-body"] = PolicyBody,
        ["peek"] = Peek,
        ["audit-verify"] = AuditVerify,
    };

    /// <summary>
    /// The policy's body reader: never throws; whatever it accepts, a server parser (System.Text.Json's document, any
    /// letter case, either duplicate) reads to the same method and the same tool, prompt or URI. A body where the two
    /// differ is a call the policy would wave through while the server runs another.
    /// </summary>
    private static void PolicyBody(byte[] input)
    {
        var result = McpTunnel.Proxy.Policy.McpBodyReader.Read(input);
        Check(result.Body is not null || !string.IsNullOrEmpty(result.Error), "refusal without a reason");
        if (result.Body is not { } body)
        {
            return;
        }

        var json = input.AsSpan().StartsWith("\uFEFF"u8) ? input[3..] : input;
        using var document = System.Text.Json.JsonDocument.Parse(json, new System.Text.Json.JsonDocumentOptions { MaxDepth = McpTunnel.Proxy.Policy.McpBodyReader.MaxDepth });
        var objects = document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new[] { document.RootElement };
        Check(objects.Length == body.Messages.Count, "message count differs from the document's");
        for (var i = 0; i < objects.Length; i++)
        {
            var message = body.Messages[i];
            foreach (var method in Named(objects[i], "method"))
            {
                Check(method.ValueKind == System.Text.Json.JsonValueKind.String && method.GetString() == message.Method, "method differs from the document's");
            }

            var target = message.Method?.ToLowerInvariant() switch
            {
                "tools/call" or "prompts/get" => "name",
                "resources/read" or "resources/subscribe" or "resources/unsubscribe" => "uri",
                _ => null,
            };
            if (target is null)
            {
                continue;
            }

            foreach (var parameters in Named(objects[i], "params"))
            {
                foreach (var value in Named(parameters, target))
                {
                    var expected = value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
                    Check(expected == message.TargetName, $"params.{target} differs from the document's");
                }
            }
        }
    }

    private static IEnumerable<System.Text.Json.JsonElement> Named(System.Text.Json.JsonElement element, string name) =>
        element.ValueKind != System.Text.Json.JsonValueKind.Object ? []
            : element.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value);

    /// <summary>The outer listener's request-head parser: never throws, and an upgrade always ends inside the input with a key.</summary>
    private static void Upgrade(byte[] input)
    {
        foreach (var sequence in Splits(input))
        {
            var parse = WebSocketUpgrade.TryParse(sequence, out var headEnd, out var key);
            if (parse == UpgradeParse.Upgrade)
            {
                var consumed = sequence.Slice(0, headEnd).Length;
                Check(consumed > 0 && consumed <= input.Length, "upgrade head end outside the input");
                Check(!string.IsNullOrEmpty(key), "upgrade without a Sec-WebSocket-Key");
            }
        }
    }

    /// <summary>
    /// The client frame-header reader and the close-frame rules: never throw; a complete header lies inside the input
    /// with a sane length; the answer does not depend on how the bytes were split across segments.
    /// </summary>
    private static void Frame(byte[] input)
    {
        WebSocketFrameHeaderReader.Result? first = null;
        WebSocketFrameHeader firstHeader = default;
        foreach (var sequence in Splits(input))
        {
            var result = WebSocketFrameHeaderReader.TryRead(sequence, out var header, out var error);
            if (first is null)
            {
                (first, firstHeader) = (result, header);
            }

            Check(result == first && header == firstHeader, "frame header read differs with segmentation");
            Check(result != WebSocketFrameHeaderReader.Result.Error || !string.IsNullOrEmpty(error), "error without a reason");
            if (result == WebSocketFrameHeaderReader.Result.Complete)
            {
                Check(header.HeaderLength is 6 or 8 or 14 && header.HeaderLength <= input.Length, "header length");
                Check(header.PayloadLength >= 0 && (!header.IsControl || header.PayloadLength <= 125), "payload length");
            }
        }

        var payload = input.AsSpan(Math.Min(input.Length, 2));
        if (WebSocketCloseRules.Check(payload) is null && payload.Length >= 2)
        {
            Check(WebSocketCloseRules.StatusOf(payload) is >= (System.Net.WebSockets.WebSocketCloseStatus)1000, "accepted close status below 1000");
        }
    }

    /// <summary>The config loader: any text either loads or fails with ProxyConfigException (every error listed), nothing else.</summary>
    private static void Config(byte[] input)
    {
        try
        {
            ProxyConfigLoader.Parse(Encoding.UTF8.GetString(input), "fuzz.yaml");
        }
        catch (ProxyConfigException ex)
        {
            Check(!string.IsNullOrWhiteSpace(ex.Message), "config error without a message");
        }
    }

    /// <summary>Go durations: TryParse never throws, and what it accepts formats to text that parses back to the same value.</summary>
    private static void Duration(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (GoDuration.TryParse(text, out var value, out var error))
        {
            var formatted = GoDuration.Format(value);
            Check(GoDuration.TryParse(formatted, out var again, out _) && again == value, $"\"{text}\" → {value} → \"{formatted}\" does not round-trip");
        }
        else
        {
            Check(!string.IsNullOrEmpty(error), "refusal without a reason");
        }
    }

    /// <summary>
    /// The audit chain verifier (mcptunnel audit verify reads files anyone may have edited): never throws, whatever the
    /// bytes and however they are split into files (a 0x00 byte starts the next file); its answer is consistent: a
    /// problem lies inside the files given, a count never exceeds the whole lines, a torn tail is a file's last line, and
    /// the same bytes give the same answer.
    /// </summary>
    private static void AuditVerify(byte[] input)
    {
        var files = new List<McpTunnel.Proxy.Audit.AuditFileBytes>();
        var start = 0;
        for (var i = 0; i <= input.Length; i++)
        {
            if (i == input.Length || input[i] == 0)
            {
                files.Add(new McpTunnel.Proxy.Audit.AuditFileBytes($"f{files.Count}", input[start..i]));
                start = i + 1;
            }
        }

        var result = McpTunnel.Proxy.Audit.AuditChainVerifier.Verify(files);
        var wholeLines = files.Sum(f => f.Bytes.Count(b => b == (byte)'\n'));
        Check(result.Records <= wholeLines, "more records than whole lines");
        Check(result.Files == files.Count, "file count differs");
        Check(result.Ok == (result.Problem is null), "ok with a problem, or a failure without one");
        if (result.Problem is { } problem)
        {
            var file = files.Find(f => f.Name == problem.Location.File);
            Check(file is not null && problem.Location.Line >= 1 && problem.Location.Line <= file.Bytes.Count(b => b == (byte)'\n'), $"problem outside the files: {problem.Location}");
            Check(problem.Kind is "edited" or "removed" or "reordered" or "inserted" or "not_a_record", $"unknown kind {problem.Kind}");
        }

        foreach (var torn in result.TornTails)
        {
            var file = files.Find(f => f.Name == torn.File)!;
            Check(file.Bytes.Length > 0 && file.Bytes[^1] != (byte)'\n' && torn.Line == file.Bytes.Count(b => b == (byte)'\n') + 1, $"torn tail that is not a last line: {torn}");
        }

        var again = McpTunnel.Proxy.Audit.AuditChainVerifier.Verify(files);
        Check(again.Records == result.Records && again.Problem == result.Problem, "two runs disagree");
    }

    /// <summary>
    /// The MCP body peek on the forwarder's read path: never throws; hands on exactly the bytes it was given, however
    /// they arrive and however much of each read the consumer takes; leaves a decided record; and records the same
    /// thing whether the body came whole or in pieces (the first byte chooses the piece size, the second whether the
    /// consumer takes only half of each read).
    /// </summary>
    private static void Peek(byte[] input)
    {
        var whole = PeekThrough(input, Math.Max(1, input.Length), consumeHalf: false);
        Check(whole.Forwarded.AsSpan().SequenceEqual(input), "the peek altered the body (read whole)");
        Check(whole.Body.State != McpBodyState.Pending, "the peek left the body undecided");
        if (input.Length < PeekingBodyReader.Limit)
        {
            Check(whole.Body == McpMessagePeek.Read(input, final: true), "the peek's record differs from the reader's on the whole body");
        }

        var chunk = input.Length > 0 ? 1 + (input[0] % 64) : 1;
        var split = PeekThrough(input, chunk, consumeHalf: input.Length > 1 && (input[1] & 1) == 1);
        Check(split.Forwarded.AsSpan().SequenceEqual(input), "the peek altered the body (read in pieces)");
        Check(split.Body == whole.Body, $"the record depends on how the body was split: {split.Body} vs {whole.Body}");
    }

    /// <summary>Writes the body into a pipe in pieces and reads it through the peek as a forwarder would, synchronously.</summary>
    private static (byte[] Forwarded, McpBodyPeek Body) PeekThrough(byte[] body, int chunk, bool consumeHalf)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
        var info = new McpRequestInfo { CarriesMessage = true };
        var reader = new PeekingBodyReader(pipe.Reader, info);
        using var forwarded = new MemoryStream();

        bool ReadOnce()
        {
            var pending = reader.ReadAsync().AsTask();
            Check(pending.IsCompleted, "a read waited for bytes that were already there");
            var result = pending.Result;
            var buffer = result.Buffer;
            var take = consumeHalf && !result.IsCompleted ? buffer.Length / 2 : buffer.Length;
            foreach (var segment in buffer.Slice(0, take))
            {
                forwarded.Write(segment.Span);
            }

            reader.AdvanceTo(buffer.GetPosition(take), buffer.End);
            return result.IsCompleted;
        }

        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            pipe.Writer.Write(body.AsSpan(offset, Math.Min(chunk, body.Length - offset)));
            Check(pipe.Writer.FlushAsync().AsTask().IsCompleted, "the pipe held the writer back");
            ReadOnce();
        }

        pipe.Writer.Complete();
        while (!ReadOnce())
        {
        }

        reader.Conclude();
        return (forwarded.ToArray(), info.Body);
    }

    /// <summary>The input whole, and split into two segments at a point the input chooses (the network splits reads anywhere).</summary>
    private static IEnumerable<ReadOnlySequence<byte>> Splits(byte[] input)
    {
        yield return new ReadOnlySequence<byte>(input);
        if (input.Length > 1)
        {
            var at = 1 + (input[0] % (input.Length - 1));
            yield return TwoSegments(input, at);
        }
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] input, int at)
    {
        var first = new Segment(input.AsMemory(0, at), 0);
        var second = first.Append(input.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"fuzz invariant broken: {what}");
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
