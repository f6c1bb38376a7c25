using System.Collections.Concurrent;
using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Listener;
using McpTunnel.Proxy.Tls;
using Prometheus;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The proxy's own Prometheus series, one registry per <see cref="Hosting.ProxyServer"/> (tests run many servers in
/// one process; each admin listener shows only its own). Every label is bounded: routes come from the config,
/// methods, status classes, MCP methods and failure kinds from fixed lists, tool names through
/// <see cref="ToolNameLimiter"/>. Nothing here is created when <c>admin_addr</c> is absent, so a plain config pays
/// nothing. Byte totals and the certificate's expiry are read at scrape time instead of on the data path.
/// </summary>
internal sealed class ProxyMetrics : ITunnelMetrics
{
    /// <summary>Request durations from 1 ms to a minute: MCP calls range from pings to long tool runs.</summary>
    private static readonly double[] RequestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Inner TLS handshakes: about a millisecond for ECDSA, tens for RSA-4096, seconds for the deadline.</summary>
    private static readonly double[] HandshakeBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 10];

    private readonly Gauge _tunnelsActive;
    private readonly Counter _tunnelsOpened;
    private readonly Counter _handshakes;
    private readonly Histogram _handshakeDuration;
    private readonly Counter _webSocketCloses;
    private readonly Counter _requests;
    private readonly Histogram _requestDuration;
    private readonly Counter _toolCalls;
    private readonly Counter _headerMismatches;
    private readonly Counter _upstreamFailures;
    private readonly Counter _egressDenied;
    private readonly Counter _bytesReceived;
    private readonly Counter _bytesSent;
    private readonly Gauge _streamingOpen;
    private readonly Counter _certificateReloads;
    private readonly Counter _policyRefusals;
    private readonly ConcurrentDictionary<WebSocketServerStream, byte> _openTunnels = new();
    private readonly ConcurrentDictionary<(string Route, string Method, string StatusClass, string McpMethod), RequestSeries> _requestSeries = new();
    private readonly ConcurrentDictionary<(string Route, string Tool, string StatusClass), Counter.Child> _toolSeries = new();
    private long _closedBytesReceived;
    private long _closedBytesSent;

    static ProxyMetrics()
    {
        // prometheus-net's default registry would listen to every meter and EventCounter in the process; we use our
        // own registries only, so turn that off before anything touches it.
        Metrics.SuppressDefaultMetrics();
    }

    public ProxyMetrics(CertificateStore certificates, TimeProvider time)
    {
        Registry = Metrics.NewCustomRegistry();
        Tools = new ToolNameLimiter();
        var factory = Metrics.WithCustomRegistry(Registry);
        var version = typeof(ProxyMetrics).Assembly.GetName().Version?.ToString(3) ?? "";
        factory.CreateGauge("mcptunnel_build_info", "mcp-proxy's version (always 1).", new GaugeConfiguration { LabelNames = ["version"] }).WithLabels(version).Set(1);
        _tunnelsActive = factory.CreateGauge("mcptunnel_tunnels_active", "WebSocket tunnels open now (inner TLS established).");
        _tunnelsOpened = factory.CreateCounter("mcptunnel_tunnels_opened_total", "WebSocket upgrades by outcome: accepted, tls_failed, closed_before_tls, text_message, limit_reached, shutting_down.", "outcome");
        _handshakes = factory.CreateCounter("mcptunnel_tls_handshakes_total", "Inner TLS handshakes by result and failure reason (the reasons the troubleshooting table names).", "result", "reason");
        _handshakeDuration = factory.CreateHistogram("mcptunnel_tls_handshake_duration_seconds", "Inner TLS handshake duration.", new HistogramConfiguration { LabelNames = ["result"], Buckets = HandshakeBuckets });
        _webSocketCloses = factory.CreateCounter("mcptunnel_websocket_closes_total", "Close frames the proxy sent, by WebSocket close code.", "code");
        _requests = factory.CreateCounter("mcptunnel_requests_total", "Inner HTTP requests by route, HTTP method, status class and MCP method.", "route", "method", "status_class", "mcp_method");
        _requestDuration = factory.CreateHistogram("mcptunnel_request_duration_seconds", "Inner request duration, from routing to the end of the response body.", new HistogramConfiguration { LabelNames = ["route", "mcp_method"], Buckets = RequestBuckets });
        _toolCalls = factory.CreateCounter("mcptunnel_mcp_tool_calls_total", $"tools/call requests by route, tool (the first {ToolNameLimiter.Capacity} names, then \"other\") and status class.", "route", "tool", "status_class");
        _headerMismatches = factory.CreateCounter("mcptunnel_mcp_header_mismatches_total", "MCP requests whose Mcp-Method or Mcp-Name header names something other than the body (the body is what is counted), by route and header.", "route", "header");
        _upstreamFailures = factory.CreateCounter("mcptunnel_upstream_failures_total", "Requests that did not get an upstream answer, by route and kind (the forwarder's outcome).", "route", "kind");
        _egressDenied = factory.CreateCounter("mcptunnel_egress_denied_total", "Requests refused by IP validation, by route.", "route");
        _bytesReceived = factory.CreateCounter("mcptunnel_tunnel_received_bytes_total", "WebSocket payload bytes received from the edge (inner TLS records).");
        _bytesSent = factory.CreateCounter("mcptunnel_tunnel_sent_bytes_total", "WebSocket payload bytes sent to the edge (inner TLS records).");
        _streamingOpen = factory.CreateGauge("mcptunnel_streaming_responses_open", "Server-sent event responses being streamed now.");
        _policyRefusals = factory.CreateCounter("mcptunnel_policy_refusals_total", "Requests the MCP policy answered instead of forwarding, by route and reason (denied, unreadable, toolarge, headermismatch, ratelimited, concurrencylimited).", "route", "reason");
        _certificateReloads = factory.CreateCounter("mcptunnel_certificate_reloads_total", "Certificate reloads by result (a failure is counted once per distinct broken file state).", "result");
        var expiry = factory.CreateGauge("mcptunnel_certificate_expiry_seconds", "Seconds until the serving certificate's notAfter (negative once expired).");
        certificates.Reloaded += _ => _certificateReloads.WithLabels("success").Inc();
        certificates.ReloadFailed += () => _certificateReloads.WithLabels("failure").Inc();
        _certificateReloads.WithLabels("success");
        _certificateReloads.WithLabels("failure");
        Registry.AddBeforeCollectCallback(() =>
        {
            expiry.Set((certificates.Current.Leaf.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime).TotalSeconds);
            long received = Interlocked.Read(ref _closedBytesReceived), sent = Interlocked.Read(ref _closedBytesSent);
            foreach (var tunnel in _openTunnels.Keys)
            {
                received += tunnel.PayloadBytesReceived;
                sent += tunnel.PayloadBytesSent;
            }

            _bytesReceived.IncTo(received);
            _bytesSent.IncTo(sent);
        });
    }

    public CollectorRegistry Registry { get; }

    public ToolNameLimiter Tools { get; }

    public void TunnelRefused(string outcome) => _tunnelsOpened.WithLabels(outcome).Inc();

    public void HandshakeSucceeded(WebSocketServerStream tunnel, TimeSpan elapsed)
    {
        _handshakes.WithLabels("ok", "").Inc();
        _handshakeDuration.WithLabels("ok").Observe(elapsed.TotalSeconds);
        _tunnelsOpened.WithLabels("accepted").Inc();
        _openTunnels.TryAdd(tunnel, 0);
        _tunnelsActive.Inc();
    }

    public void HandshakeFailed(string reason, TimeSpan elapsed, System.Net.WebSockets.WebSocketCloseStatus closedWith)
    {
        _webSocketCloses.WithLabels(CloseCodeLabel(closedWith)).Inc();
        _handshakes.WithLabels("failed", HandshakeFailureLabel.For(reason)).Inc();
        _handshakeDuration.WithLabels("failed").Observe(elapsed.TotalSeconds);
        _tunnelsOpened.WithLabels("tls_failed").Inc();
    }

    /// <summary>A client that accepted the certificate during the handshake and rejected it right after (TLS 1.3).</summary>
    public void CertificateRejectedAfterHandshake(string reason) => _handshakes.WithLabels("failed", HandshakeFailureLabel.For(reason)).Inc();

    public void TunnelClosed(WebSocketServerStream tunnel, System.Net.WebSockets.WebSocketCloseStatus closedWith)
    {
        _webSocketCloses.WithLabels(CloseCodeLabel(closedWith)).Inc();
        if (_openTunnels.TryRemove(tunnel, out _))
        {
            Interlocked.Add(ref _closedBytesReceived, tunnel.PayloadBytesReceived);
            Interlocked.Add(ref _closedBytesSent, tunnel.PayloadBytesSent);
            _tunnelsActive.Dec();
        }
    }

    /// <summary>
    /// <c>mcptunnel_audit_records_dropped_total{sink}</c>, read from the audit log at scrape time (nothing on the
    /// request path); only a proxy with <c>audit:</c> has the series.
    /// </summary>
    public void ObserveAuditDrops(IRequestRecordSink audit)
    {
        var dropped = Metrics.WithCustomRegistry(Registry).CreateCounter("mcptunnel_audit_records_dropped_total", "Audit records not written, by sink: queue (the queue was full: no sink got them; the chain holds a dropped record with the count), file, stdout, otlp (that sink failed).", "sink");
        foreach (var (sink, _) in audit.DroppedRecords)
        {
            dropped.WithLabels(sink);
        }

        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (sink, count) in audit.DroppedRecords)
            {
                dropped.WithLabels(sink).IncTo(count);
            }
        });
    }

    /// <summary>
    /// <c>mcptunnel_upstream_credential_reloads_total{route,result}</c>: re-reads of credential files that swapped in a
    /// new value or found a broken file (once per distinct broken state); the series of the routes configured at start
    /// exist from the first scrape. Never the value.
    /// </summary>
    public void ObserveCredentials(Credentials.CredentialRefresher credentials, IEnumerable<string> routes)
    {
        var reloads = Metrics.WithCustomRegistry(Registry).CreateCounter("mcptunnel_upstream_credential_reloads_total", "Upstream credential file re-reads by route and result: success (a new value is sent from now on), failure (the file became unreadable or unusable; the previous value is kept; counted once per distinct broken state).", "route", "result");
        foreach (var route in routes)
        {
            reloads.WithLabels(route, "success");
            reloads.WithLabels(route, "failure");
        }

        credentials.Reloaded += route => reloads.WithLabels(route, "success").Inc();
        credentials.ReloadFailed += route => reloads.WithLabels(route, "failure").Inc();
    }

    public void PolicyRefused(string route, Policy.PolicyReason reason) => _policyRefusals.WithLabels(route, reason.ToString().ToLowerInvariant()).Inc();

    public void StreamingStarted() => _streamingOpen.Inc();

    public void StreamingEnded() => _streamingOpen.Dec();

    public void RequestFinished(string route, string method, int status, string mcpMethod, string? tool, ForwarderError error, double seconds)
    {
        var statusClass = StatusClass(status);
        var series = RequestSeriesFor(route, HttpMethodLabel(method), statusClass, mcpMethod);
        series.Requests.Inc();
        series.Duration.Observe(seconds);
        if (tool is not null)
        {
            _toolSeries.GetOrAdd((route, tool, statusClass), static (key, counter) => counter.WithLabels(key.Route, key.Tool, key.StatusClass), _toolCalls).Inc();
        }

        if (error is not (ForwarderError.None or ForwarderError.ClientAborted))
        {
            _upstreamFailures.WithLabels(route, error.ToString()).Inc();
            if (error == ForwarderError.EgressDenied)
            {
                _egressDenied.WithLabels(route).Inc();
            }
        }
    }

    /// <summary>A request whose headers disagree with its body: counted once per disagreeing header.</summary>
    public void HeaderMismatch(string route, McpHeaderMismatch mismatch)
    {
        if (mismatch.HasFlag(McpHeaderMismatch.Method))
        {
            _headerMismatches.WithLabels(route, "Mcp-Method").Inc();
        }

        if (mismatch.HasFlag(McpHeaderMismatch.Name))
        {
            _headerMismatches.WithLabels(route, "Mcp-Name").Inc();
        }
    }

    /// <summary>
    /// The labelled children of one request's series, looked up once per label combination: prometheus-net's
    /// <c>WithLabels</c> allocates a label array and sequence on every call (144 bytes per request, measured). The set
    /// is bounded by the labels (routes × fixed lists), like the series themselves.
    /// </summary>
    private RequestSeries RequestSeriesFor(string route, string method, string statusClass, string mcpMethod) =>
        _requestSeries.GetOrAdd((route, method, statusClass, mcpMethod), static (key, metrics) => new RequestSeries(
            metrics._requests.WithLabels(key.Route, key.Method, key.StatusClass, key.McpMethod),
            metrics._requestDuration.WithLabels(key.Route, key.McpMethod)), this);

    /// <summary>A request refused before it had a route (no route for host, misdirected, malformed, shutting down).</summary>
    public void RequestRefused(string method, ForwarderError error, int status)
    {
        _requests.WithLabels("", HttpMethodLabel(method), StatusClass(status), McpMethodLabel.None).Inc();
        _upstreamFailures.WithLabels("", error.ToString()).Inc();
    }

    private static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    private static string HttpMethodLabel(string method) => method switch
    {
        "GET" => "GET",
        "POST" => "POST",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        "PUT" => "PUT",
        _ => "other",
    };

    private static string CloseCodeLabel(System.Net.WebSockets.WebSocketCloseStatus code) => code switch
    {
        System.Net.WebSockets.WebSocketCloseStatus.NormalClosure => "1000",
        System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable => "1001",
        System.Net.WebSockets.WebSocketCloseStatus.ProtocolError => "1002",
        System.Net.WebSockets.WebSocketCloseStatus.InvalidMessageType => "1003",
        System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation => "1008",
        System.Net.WebSockets.WebSocketCloseStatus.MessageTooBig => "1009",
        System.Net.WebSockets.WebSocketCloseStatus.InternalServerError => "1011",
        _ => ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed record RequestSeries(Counter.Child Requests, Histogram.Child Duration);
}
