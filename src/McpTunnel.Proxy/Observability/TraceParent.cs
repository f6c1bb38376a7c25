using System.Diagnostics;
using Microsoft.Extensions.Primitives;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// Reads a caller's <c>traceparent</c> as strictly as W3C Trace Context (level 1, section 3.2) writes it:
/// <c>version-traceid-parentid-flags</c>, lower-case hex, <c>-</c> between the fields, trace and parent id not all
/// zero, version <c>ff</c> refused; version <c>00</c> exactly 55 characters, a later version at least that and, when
/// longer, a <c>-</c> after the flags. One header line only: a repeated traceparent is invalid. .NET's own parser
/// accepted other separators (<c>00_0af7…_b7ad…_01</c>) and all-zero ids, and so continued traces it had to restart.
/// </summary>
internal static class TraceParent
{
    private const int Length = 55;

    /// <summary>The caller's span as a remote parent carrying <paramref name="traceState"/>, or false when a new trace must start.</summary>
    public static bool TryParse(StringValues values, StringValues traceState, out ActivityContext parent)
    {
        parent = default;
        if (values.Count != 1 || values[0] is not { Length: >= Length } value)
        {
            return false;
        }

        var text = value.AsSpan();
        var version = text[..2];
        if (!IsLowerHex(version) || version.SequenceEqual("ff") || (version.SequenceEqual("00") ? text.Length != Length : text.Length > Length && text[Length] != '-'))
        {
            return false;
        }

        if (text[2] != '-' || text[35] != '-' || text[52] != '-')
        {
            return false;
        }

        var traceId = text.Slice(3, 32);
        var parentId = text.Slice(36, 16);
        var flags = text.Slice(53, 2);
        if (!IsLowerHex(traceId) || !IsLowerHex(parentId) || !IsLowerHex(flags) || IsAllZero(traceId) || IsAllZero(parentId))
        {
            return false;
        }

        var sampled = (Convert.FromHexString(flags)[0] & 1) != 0;
        parent = new ActivityContext(
            ActivityTraceId.CreateFromString(traceId),
            ActivitySpanId.CreateFromString(parentId),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None,
            StringValues.IsNullOrEmpty(traceState) ? null : traceState.ToString(),
            isRemote: true);
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAllZero(ReadOnlySpan<char> text) => !text.ContainsAnyExcept('0');
}
