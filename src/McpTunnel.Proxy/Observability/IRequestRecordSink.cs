namespace McpTunnel.Proxy.Observability;

/// <summary>
/// Where finished per-request records go besides metrics and spans: the audit log (<c>Audit/AuditLog</c>) implements
/// it, so this side folder does not depend on the audit one. <see cref="Record"/> is called on the request's own path,
/// once the answer is sent, and must return at once (queue, never wait).
/// </summary>
internal interface IRequestRecordSink
{
    void Record(RequestObservation observation);

    /// <summary>Records dropped so far, per sink (read at scrape time for <c>mcptunnel_audit_records_dropped_total</c>).</summary>
    IReadOnlyList<KeyValuePair<string, long>> DroppedRecords { get; }
}
