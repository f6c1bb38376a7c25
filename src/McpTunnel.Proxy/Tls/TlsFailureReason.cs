using System.Security.Authentication;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// Turns a failed server handshake into the short reason operators look up in the troubleshooting table
/// under <c>tls handshake failed</c>: the TLS alert the client sent, such as <c>unknown certificate authority</c>
/// or <c>bad certificate</c>, or what else went wrong. The full library message goes in a separate field.
/// </summary>
internal static class TlsFailureReason
{
    private static readonly (string Marker, string Reason)[] KnownMarkers =
    [
        ("alert unknown ca", "unknown certificate authority"),
        ("alert bad certificate", "bad certificate"),
        ("alert certificate expired", "certificate expired"),
        ("alert certificate unknown", "certificate unknown"),
        ("alert certificate revoked", "certificate revoked"),
        ("alert unsupported certificate", "unsupported certificate"),
        ("alert decrypt error", "decrypt error"),
        ("alert handshake failure", "handshake failure"),
        ("alert protocol version", "protocol version"),
        ("alert internal error", "internal error"),
        ("alert access denied", "access denied"),
        ("unsupported protocol", "protocol version"),
        ("no shared cipher", "no shared cipher"),
        ("no suitable signature algorithm", "no shared signature algorithm"),
        ("no application protocol", "no application protocol"),
        ("http request", "client sent plain HTTP, not TLS"),
        ("wrong version number", "client did not speak TLS"),
        ("unknown protocol", "client did not speak TLS"),
        ("packet length too long", "client did not speak TLS"),
        ("record layer failure", "client did not speak TLS"),
    ];

    public static string Describe(Exception exception, bool timedOut, TimeSpan timeout)
    {
        if (timedOut)
        {
            return $"handshake timed out after {timeout.TotalSeconds:0.#}s";
        }

        var text = Flatten(exception);
        foreach (var (marker, reason) in KnownMarkers)
        {
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return reason;
            }
        }

        return exception switch
        {
            AuthenticationException when text.Contains("EOF", StringComparison.OrdinalIgnoreCase) || text.Contains("0 bytes", StringComparison.Ordinal) => "client closed the connection during the handshake",
            IOException or OperationCanceledException => "client closed the connection during the handshake",
            _ => exception.GetBaseException().Message,
        };
    }

    /// <summary>True when <paramref name="exception"/> carries a TLS alert from the peer (e.g. <c>unknown certificate authority</c>).</summary>
    public static bool TryDescribeAlert(Exception exception, out string reason)
    {
        var text = Flatten(exception);
        foreach (var (marker, known) in KnownMarkers)
        {
            if (marker.StartsWith("alert ", StringComparison.Ordinal) && text.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                reason = known;
                return true;
            }
        }

        reason = "";
        return false;
    }

    /// <summary>True when <paramref name="reason"/> is one of the fixed reasons above (metrics label only those).</summary>
    public static bool IsKnownReason(string reason) =>
        reason == "client closed the connection during the handshake" || Array.Exists(KnownMarkers, m => m.Reason == reason);

    public static string Flatten(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            parts.Add(e.Message);
        }

        return string.Join(" -> ", parts);
    }
}
