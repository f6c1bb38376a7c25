namespace McpTunnel.Proxy.Logging;

// Parameters that are not in the message text are deliberate: they become structured fields of the line.
#pragma warning disable SYSLIB1015

/// <summary>
/// Every log line the proxy writes, with stable event ids grouped by area (docs/ARCHITECTURE.md "Logging").
/// The message texts are an interface: the docs tell operators to grep for them.
/// Parameters that are not in the message text become structured fields (hence SYSLIB1015 is off here).
/// Operators are told to alert on warnings and errors, so levels are strict: client-caused at Debug, rejections at Warning, failures at Error.
/// </summary>
internal static partial class ProxyLog
{
    public const string Category = "mcp-proxy";

    // 1xx: startup and shutdown
    [LoggerMessage(100, LogLevel.Information, "route configured")]
    public static partial void RouteConfigured(ILogger logger, string route, string upstream, string host);

    [LoggerMessage(101, LogLevel.Warning, "config warning: {detail}")]
    public static partial void ConfigWarning(ILogger logger, string detail);

    [LoggerMessage(102, LogLevel.Information, "listening")]
    public static partial void Listening(ILogger logger, string addr, string version, string egress);

    [LoggerMessage(103, LogLevel.Information, "shutting down")]
    public static partial void ShuttingDown(ILogger logger, string timeout, int inflight);

    [LoggerMessage(104, LogLevel.Information, "shutdown complete")]
    public static partial void ShutdownComplete(ILogger logger, int aborted);

    // Configuration reload (docs/ARCHITECTURE.md "Configuration reload"): route keys and hashes only, never values.
    [LoggerMessage(105, LogLevel.Information, "config reloaded")]
    public static partial void ConfigReloaded(ILogger logger, string trigger, string hash, string routes_added, string routes_removed, string routes_changed, string policy_changed, string egress, string log_level, string upstream_pool);

    [LoggerMessage(106, LogLevel.Error, "config reload failed, keeping the running configuration")]
    public static partial void ConfigReloadFailed(ILogger logger, string trigger, string hash, int errors);

    [LoggerMessage(107, LogLevel.Error, "config reload error")]
    public static partial void ConfigReloadError(ILogger logger, string field, string error, string fix);

    [LoggerMessage(108, LogLevel.Information, "config unchanged")]
    public static partial void ConfigUnchanged(ILogger logger, string trigger, string hash);

    [LoggerMessage(109, LogLevel.Information, "config reload skipped: proxy is shutting down")]
    public static partial void ConfigReloadSkipped(ILogger logger, string trigger);

    // 2xx: outer listener (WebSocket tunnels)
    [LoggerMessage(200, LogLevel.Debug, "tunnel opened")]
    public static partial void TunnelOpened(ILogger logger, string remote, string sni, string alpn, string tls);

    [LoggerMessage(201, LogLevel.Debug, "tunnel closed")]
    public static partial void TunnelClosed(ILogger logger, string remote, string reason);

    [LoggerMessage(202, LogLevel.Debug, "not a websocket upgrade")]
    public static partial void NotWebSocket(ILogger logger, string remote, string method, string path);

    [LoggerMessage(203, LogLevel.Warning, "tunnel limit reached")]
    public static partial void TunnelLimitReached(ILogger logger, string remote, int max);

    [LoggerMessage(204, LogLevel.Debug, "text websocket message rejected")]
    public static partial void TextMessageRejected(ILogger logger);

    [LoggerMessage(205, LogLevel.Information, "tunnel closed before tls")]
    public static partial void TunnelClosedBeforeTls(ILogger logger, string remote);

    /// <summary>A tunnel's receive or send pump stopped on an exception no peer or shutdown explains (a bug to report; Kestrel's socket transport logs these at Error too).</summary>
    [LoggerMessage(206, LogLevel.Error, "unexpected exception in tunnel pump")]
    public static partial void TunnelPumpFailed(ILogger logger, Exception exception, string pump, string type);

    // 3xx: inner TLS and certificates
    [LoggerMessage(300, LogLevel.Warning, "tls handshake failed: {reason}")]
    public static partial void TlsHandshakeFailed(ILogger logger, string reason, string remote, string detail);

    [LoggerMessage(301, LogLevel.Information, "certificate loaded")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string dns_names, string not_after, string fingerprint);

    [LoggerMessage(302, LogLevel.Warning, "certificate reload failed, keeping the previous certificate")]
    public static partial void CertificateReloadFailed(ILogger logger, string error);

    [LoggerMessage(303, LogLevel.Warning, "certificate expires soon")]
    public static partial void CertificateExpiresSoon(ILogger logger, string not_after, int days_left);

    // 31x: upstream credentials (never the value: the route, the file, its length and modification time)
    [LoggerMessage(310, LogLevel.Information, "upstream credential configured")]
    public static partial void CredentialConfigured(ILogger logger, string route, string header, string value_file, int bytes, string caller_authorization);

    [LoggerMessage(311, LogLevel.Information, "upstream credential reloaded")]
    public static partial void CredentialReloaded(ILogger logger, string route, string value_file, int bytes, string modified);

    [LoggerMessage(312, LogLevel.Warning, "upstream credential reload failed, keeping the previous value")]
    public static partial void CredentialReloadFailed(ILogger logger, string route, string value_file, string error, string fix);

    // 4xx: routing
    [LoggerMessage(400, LogLevel.Information, "request started")]
    public static partial void RequestStarted(ILogger logger, string route, string method, string path, string host, string protocol);

    [LoggerMessage(401, LogLevel.Warning, "no route for host")]
    public static partial void NoRouteForHost(ILogger logger, string host, string tunnel_domain);

    [LoggerMessage(402, LogLevel.Warning, "misdirected request: tls server name and host name different routes")]
    public static partial void MisdirectedRequest(ILogger logger, string sni, string host);

    [LoggerMessage(403, LogLevel.Debug, "request finished")]
    public static partial void RequestFinished(ILogger logger, string route, int status, double duration_ms);

    // 5xx: egress
    [LoggerMessage(500, LogLevel.Warning, "IP validation failed: {ip} is not a private address")]
    public static partial void IpValidationFailed(ILogger logger, string ip, string host, string rule);

    [LoggerMessage(501, LogLevel.Error, "upstream dial failed")]
    public static partial void UpstreamDialFailed(ILogger logger, string host, string addr, string error);

    // 6xx: forwarding
    [LoggerMessage(600, LogLevel.Error, "upstream request failed")]
    public static partial void UpstreamRequestFailed(ILogger logger, string route, string upstream, string outcome, string error);

    /// <summary>The same message as <see cref="UpstreamRequestFailed"/> (operators grep for it), with the limit that fired and the setting that raises it.</summary>
    [LoggerMessage(606, LogLevel.Error, "upstream request failed")]
    public static partial void UpstreamResponseTimedOut(ILogger logger, string route, string upstream, string outcome, string limit, string setting, string fix);

    [LoggerMessage(601, LogLevel.Warning, "upstream response aborted mid-stream")]
    public static partial void UpstreamResponseAborted(ILogger logger, string route, string error);

    [LoggerMessage(602, LogLevel.Debug, "client aborted request")]
    public static partial void ClientAborted(ILogger logger, string route, string error);

    [LoggerMessage(603, LogLevel.Warning, "request rejected: proxy is shutting down")]
    public static partial void RejectedShuttingDown(ILogger logger, string host);

    [LoggerMessage(604, LogLevel.Debug, "request refused")]
    public static partial void RequestRefused(ILogger logger, string method, string host, string reason);

    [LoggerMessage(605, LogLevel.Information, "request body rejected")]
    public static partial void RequestBodyRejected(ILogger logger, string route, int status, string reason);

    // 7xx: MCP policy (a refusal is the operator's rule working, so Warning, like an egress denial)
    [LoggerMessage(700, LogLevel.Warning, "policy refused request")]
    public static partial void PolicyRefused(ILogger logger, string route, string reason, string mcp_method, string name, string rule);

    // 8xx: audit records
    [LoggerMessage(800, LogLevel.Information, "audit log started")]
    public static partial void AuditStarted(ILogger logger, string sinks, string file, string chain);

    [LoggerMessage(801, LogLevel.Warning, "audit records dropped")]
    public static partial void AuditDropped(ILogger logger, string sink, long dropped, string fix);

    [LoggerMessage(802, LogLevel.Error, "audit sink failed")]
    public static partial void AuditSinkFailed(ILogger logger, string sink, string error);

    [LoggerMessage(803, LogLevel.Information, "audit file rotated")]
    public static partial void AuditRotated(ILogger logger, string file, string rotated_to);
}
