namespace McpTunnel.Proxy.Configuration;

/// <summary>
/// <c>audit:</c>, our extension: one JSON record per MCP request, chained by hashes, written to the sinks named here.
/// Absent (the default) means no audit at all: nothing is recorded, read or held for it. Immutable: a reload that
/// changes them replaces the audit log by one made for the new settings (Audit/AuditSwitch).
/// </summary>
internal sealed record AuditSettings
{
    public const int DefaultQueueSize = 10_000;

    /// <summary>Keys whose values <c>arguments: redacted</c> replaces when <c>redact_keys</c> is not given (matched without letter case, as parts of a key).</summary>
    public static readonly IReadOnlyList<string> DefaultRedactKeys = ["password", "passwd", "secret", "token", "api_key", "apikey", "authorization", "cookie", "credential", "private_key"];

    /// <summary><c>audit.file</c>; null when records are not written to a file.</summary>
    public AuditFileSettings? File { get; init; }

    /// <summary><c>audit.stdout</c>: records as JSON lines on the proxy's standard output, beside its log lines.</summary>
    public bool Stdout { get; init; }

    /// <summary><c>audit.otlp</c>: records as OpenTelemetry log records over OTLP (the standard <c>OTEL_EXPORTER_OTLP_*</c> variables say where).</summary>
    public bool Otlp { get; init; }

    /// <summary><c>audit.arguments</c>: what a record says about a call's arguments (never anything by default).</summary>
    public AuditArguments Arguments { get; init; } = AuditArguments.None;

    /// <summary><c>audit.redact_keys</c>: with <c>arguments: redacted</c>, values under keys containing one of these are replaced.</summary>
    public IReadOnlyList<string> RedactKeys { get; init; } = DefaultRedactKeys;

    /// <summary><c>audit.queue_size</c>: records waiting for the writer; beyond it new records are dropped and counted, never waited for.</summary>
    public int QueueSize { get; init; } = DefaultQueueSize;

    /// <summary>Equal settings, lists compared by their items (a reload reads a new list each time).</summary>
    public bool SameAs(AuditSettings other) =>
        File == other.File && Stdout == other.Stdout && Otlp == other.Otlp && Arguments == other.Arguments
        && QueueSize == other.QueueSize && RedactKeys.SequenceEqual(other.RedactKeys, StringComparer.Ordinal);

    /// <summary>The settings in one line, as <c>mcptunnel check</c> prints them.</summary>
    public string Describe()
    {
        var sinks = new List<string>(3);
        if (File is { } file)
        {
            sinks.Add($"file {file.Path} (rotated at {file.MaxBytes} bytes or {McpTunnel.Common.GoDuration.Format(file.MaxAge)})");
        }

        if (Stdout)
        {
            sinks.Add("stdout");
        }

        if (Otlp)
        {
            sinks.Add("otlp");
        }

        return $"{string.Join(", ", sinks)}; arguments {Arguments.ToString().ToLowerInvariant()}; queue {QueueSize}";
    }
}

/// <summary><c>audit.file</c>: the chained record file and when it is rotated.</summary>
internal sealed record AuditFileSettings(string Path)
{
    public const long DefaultMaxBytes = 100L * 1024 * 1024;
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromHours(24);

    /// <summary><c>audit.file.max_size</c>: a file is rotated before a record would take it past this size.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary><c>audit.file.max_age</c>: a file older than this is rotated before the next record.</summary>
    public TimeSpan MaxAge { get; init; } = DefaultMaxAge;
}

internal enum AuditArguments
{
    /// <summary>Arguments are never recorded.</summary>
    None,

    /// <summary>Keys and JSON types only (<c>{"city":"string","days":"number"}</c>).</summary>
    Shapes,

    /// <summary>Values, with those under the <c>redact_keys</c> replaced by <c>"[redacted]"</c>.</summary>
    Redacted,
}
