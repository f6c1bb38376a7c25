using System.Text.Json;

namespace McpTunnel.Proxy.Audit;

/// <summary>
/// Checks a set of audit files, given in the order they were written, against the hash chain (<see cref="AuditChain"/>):
/// every record must carry the hash of the record before it, across file boundaries. Reports the first record that was
/// edited, removed, reordered or inserted, with its file and line. Reads untrusted bytes: it never throws on any input
/// (fuzz target <c>audit-verify</c>).
/// <para>
/// A last line without its newline is a torn tail (a crash while writing it), not tampering: it is reported, and the
/// records before it still verify; the next file of a restarted proxy links to the last whole record. A torn line
/// anywhere else is a problem.
/// </para>
/// </summary>
internal static class AuditChainVerifier
{
    public static AuditVerifyResult Verify(IReadOnlyList<AuditFileBytes> files)
    {
        // Every whole line of every file, with its hash, so a broken link can be told apart: edited, removed,
        // reordered or inserted.
        var lines = new List<AuditLine>();
        var torn = new List<AuditLocation>();
        for (var f = 0; f < files.Count; f++)
        {
            var bytes = files[f].Bytes;
            var start = 0;
            var number = 0;
            while (start < bytes.Length)
            {
                number++;
                var end = Array.IndexOf(bytes, (byte)'\n', start);
                if (end < 0)
                {
                    torn.Add(new AuditLocation(files[f].Name, number));
                    break;
                }

                var line = new ReadOnlyMemory<byte>(bytes, start, end - start);
                lines.Add(new AuditLine(new AuditLocation(files[f].Name, number), f, line, AuditChain.HashOf(line.Span)));
                start = end + 1;
            }
        }

        // A torn line is tolerated only as the last line of a file (the crash), never followed by more of the same file.
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            positions.TryAdd(lines[i].Hash, i);
        }

        AuditRecordHead? previous = null;
        string? startsAfter = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (ReadHead(line.Bytes.Span) is not { } head)
            {
                return new AuditVerifyResult(i, files.Count, torn, startsAfter, new AuditProblem(line.Location, "not_a_record",
                    "this line is not an audit record (a JSON object with audit, seq, type and prev): edited, or not written by mcp-proxy"));
            }

            if (i == 0)
            {
                startsAfter = head.Prev; // a chain that began before the first file given: cannot be checked, and is not a fault
                previous = head;
                continue;
            }

            var expected = lines[i - 1].Hash;
            if (!string.Equals(head.Prev, expected, StringComparison.Ordinal))
            {
                return new AuditVerifyResult(i, files.Count, torn, startsAfter, Classify(lines, positions, i, head, previous!));
            }

            previous = head;
        }

        return new AuditVerifyResult(lines.Count, files.Count, torn, startsAfter, null);
    }

    private static AuditProblem Classify(List<AuditLine> lines, Dictionary<string, int> positions, int i, AuditRecordHead head, AuditRecordHead previous)
    {
        var here = lines[i].Location;
        var before = lines[i - 1].Location;
        var boundary = lines[i].File != lines[i - 1].File ? $" (the first record of {here.File} does not continue {before.File}: files missing, or given out of order?)" : "";
        if (head.Prev is { } link && positions.TryGetValue(link, out var linked))
        {
            if (linked > i)
            {
                return new AuditProblem(here, "reordered", $"this record belongs after {lines[linked].Location}: records were reordered{boundary}");
            }

            if (linked == i - 2)
            {
                return new AuditProblem(before, "inserted", $"this record is not in the chain: the record after it links past it to {lines[linked].Location}");
            }

            if (linked < i - 2)
            {
                return new AuditProblem(here, "reordered", $"this record links to {lines[linked].Location}, not to the record before it: records were reordered");
            }
        }

        if (head.Seq > previous.Seq + 1)
        {
            return new AuditProblem(here, "removed", $"{head.Seq - previous.Seq - 1} record(s) before this one were removed (seq {previous.Seq} is followed by {head.Seq}){boundary}");
        }

        if (head.Seq == previous.Seq + 1)
        {
            return new AuditProblem(before, "edited", $"this record was changed after it was written: the next record's prev does not match its hash{boundary}");
        }

        return new AuditProblem(here, "inserted", $"this record does not link to the one before it and repeats seq {head.Seq}: inserted or reordered{boundary}");
    }

    /// <summary>The fields the chain needs; null when the line is not an audit record.</summary>
    private static AuditRecordHead? ReadHead(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            int? version = null;
            long? seq = null;
            string? type = null;
            string? prev = null;
            var hasPrev = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "audit" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v):
                        version = v;
                        break;
                    case "seq" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var s):
                        seq = s;
                        break;
                    case "type" when reader.TokenType == JsonTokenType.String:
                        type = reader.GetString();
                        break;
                    case "prev" when reader.TokenType is JsonTokenType.String or JsonTokenType.Null:
                        hasPrev = true;
                        prev = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return null; // trailing bytes after the object
            }

            return version == AuditRecordJson.FormatVersion && seq is { } number && type is not null && hasPrev
                ? new AuditRecordHead(number, type, prev)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private sealed record AuditRecordHead(long Seq, string Type, string? Prev);

    private sealed record AuditLine(AuditLocation Location, int File, ReadOnlyMemory<byte> Bytes, string Hash);
}

/// <summary>One file's name (as given) and bytes.</summary>
internal sealed record AuditFileBytes(string Name, byte[] Bytes);

/// <summary>A line of a file, counted from 1.</summary>
internal sealed record AuditLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>The first break in the chain: where, what kind (edited, removed, reordered, inserted, not_a_record), and in words.</summary>
internal sealed record AuditProblem(AuditLocation Location, string Kind, string Message);

/// <summary>
/// What verify found: how many records verified before the first problem (all of them when there is none), the torn
/// tails (a last line without its newline), and the link the first record carries when the chain began in an earlier
/// file not given (null when it starts here).
/// </summary>
internal sealed record AuditVerifyResult(int Records, int Files, IReadOnlyList<AuditLocation> TornTails, string? StartsAfter, AuditProblem? Problem)
{
    public bool Ok => Problem is null;
}
