using System.Text.Json;

namespace McpTunnel.Proxy.Tests.Audit;

/// <summary>What the audit tests share: a config with the file sink and a policy decision to record, and the records read back.</summary>
internal static class AuditConfig
{
    /// <summary>Loopback upstreams allowed, route <c>echo</c>'s <c>delete_*</c> tools denied, the file sink at <paramref name="path"/>; <paramref name="extra"/> is more lines (indent two spaces to stay under <c>audit:</c>).</summary>
    public static string Yaml(string path, string extra = "") => $"""
        upstream:
          allowed_ips: [127.0.0.0/8]
        policy:
          echo:
            tools:
              deny: ["delete_*"]
        audit:
          file:
            path: {path}
        {extra}
        """;

    /// <summary>Every line of an audit file, parsed.</summary>
    public static List<JsonElement> Records(string path) =>
        [.. File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
