using System.Globalization;
using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// <c>audit:</c> our extension: the tamper-evident record of MCP requests (docs/AUDIT.md). Absent, there is no audit.
/// <code>
/// audit:
///   file: { path: /var/log/mcp-proxy/audit.jsonl, max_size: 100MiB, max_age: 24h }
///   stdout: false
///   otlp: false                 # OTEL_EXPORTER_OTLP_* say where
///   arguments: none             # none | shapes | redacted
///   redact_keys: [password, token]
///   queue_size: 10000
/// </code>
/// </summary>
internal static class AuditSection
{
    private const string Example = "audit:\n  file:\n    path: /var/log/mcp-proxy/audit.jsonl";

    private static readonly (string, AuditArguments)[] ArgumentModes = [("none", AuditArguments.None), ("shapes", AuditArguments.Shapes), ("redacted", AuditArguments.Redacted)];

    public static AuditSettings? Read(ConfigMapping root)
    {
        if (root.NodeWithValue("audit") is null)
        {
            _ = root.Node("audit"); // an empty "audit:" is read (not an unknown key) and means no audit
            return null;
        }

        var audit = root.Mapping("audit");
        if (audit is null)
        {
            return null; // not a mapping: reported by Mapping
        }

        var diagnostics = audit.Diagnostics;
        var file = ReadFile(audit);
        var defaults = new AuditSettings();
        var result = new AuditSettings
        {
            File = file,
            Stdout = audit.Bool("stdout", false),
            Otlp = audit.Bool("otlp", false),
            Arguments = audit.Choice("arguments", AuditArguments.None, ArgumentModes),
            RedactKeys = ReadKeys(audit) ?? defaults.RedactKeys,
            QueueSize = ReadQueueSize(audit, defaults.QueueSize),
        };
        if (audit.NodeWithValue("file") is null && !result.Stdout && !result.Otlp)
        {
            diagnostics.Error("audit", "no sink: records would go nowhere", $"name at least one of audit.file.path, audit.stdout: true, audit.otlp: true (or remove audit:), e.g. {Example}");
        }

        if (audit.NodeWithValue("redact_keys") is not null && result.Arguments != AuditArguments.Redacted)
        {
            diagnostics.Warn($"{audit.Field("redact_keys")} has no effect unless {audit.Field("arguments")} is redacted");
        }

        audit.WarnUnknownKeys();
        return result;
    }

    private static AuditFileSettings? ReadFile(ConfigMapping audit)
    {
        var file = audit.Mapping("file");
        if (file is null)
        {
            return null;
        }

        var diagnostics = file.Diagnostics;
        var path = file.String("path");
        var defaults = new AuditFileSettings("");
        var maxBytes = defaults.MaxBytes;
        if (file.String("max_size") is { } sizeText && (!ByteSize.TryParse(sizeText, out maxBytes) || maxBytes < 4096))
        {
            diagnostics.Error(file.Field("max_size"), $"\"{sizeText}\" is not a size of at least 4096 bytes", "write bytes or KiB/MiB, e.g. max_size: 100MiB");
            maxBytes = defaults.MaxBytes;
        }

        var maxAge = file.Duration("max_age", defaults.MaxAge);
        if (maxAge < TimeSpan.FromSeconds(1))
        {
            diagnostics.Error(file.Field("max_age"), $"{McpTunnel.Common.GoDuration.Format(maxAge)} is shorter than a second", "use a duration such as 24h");
            maxAge = defaults.MaxAge;
        }

        file.WarnUnknownKeys();
        if (string.IsNullOrWhiteSpace(path))
        {
            diagnostics.Error(file.Field("path"), "missing", $"name the file the records are appended to, e.g. {Example}");
            return null;
        }

        var full = Path.GetFullPath(path.Trim());
        var directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            diagnostics.Error(file.Field("path"), $"the directory {directory} does not exist", "create it (writable by the proxy's user only) or name a file in an existing directory");
            return null;
        }

        if (Directory.Exists(full))
        {
            diagnostics.Error(file.Field("path"), $"{full} is a directory", "name a file inside it, e.g. audit.jsonl");
            return null;
        }

        return new AuditFileSettings(full) { MaxBytes = maxBytes, MaxAge = maxAge };
    }

    private static List<string>? ReadKeys(ConfigMapping audit)
    {
        if (audit.Sequence("redact_keys", "write a list of key names, e.g. redact_keys: [password, token]") is not { } entries)
        {
            return null;
        }

        var keys = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is YamlScalarNode { Value: { Length: > 0 } key })
            {
                keys.Add(key);
            }
            else
            {
                audit.Diagnostics.Error($"{audit.Field("redact_keys")}[{i}]", $"line {entries[i].Start.Line}: not a key name", "write one key name per entry, e.g. password");
            }
        }

        return keys;
    }

    private static int ReadQueueSize(ConfigMapping audit, int fallback)
    {
        var text = audit.String("queue_size");
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > 1_000_000)
        {
            audit.Diagnostics.Error(audit.Field("queue_size"), $"\"{text}\" is not a number from 1 to 1000000", "e.g. queue_size: 10000");
            return fallback;
        }

        return size;
    }
}
