using System.Net;
using System.Text.Json;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests.Audit;

/// <summary>What the audit tests share: a config with the file sink and a policy decision to record, a JSON-RPC POST to record, and the files and records read back and verified.</summary>
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

    /// <summary>The audit files of the live file <paramref name="path"/> in writing order: the ones set aside (by name), then the live one if it exists.</summary>
    public static List<string> Files(string path) =>
        [.. Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*").Where(f => f != path).Order(StringComparer.Ordinal), .. File.Exists(path) ? [path] : Array.Empty<string>()];

    /// <summary>The files as the chain verifier reads them.</summary>
    public static List<McpTunnel.Proxy.Audit.AuditFileBytes> Bytes(IEnumerable<string> files) => [.. files.Select(f => new McpTunnel.Proxy.Audit.AuditFileBytes(f, File.ReadAllBytes(f)))];

    /// <summary>Asserts that <paramref name="files"/>, in this order, are one unbroken chain of <paramref name="records"/> records.</summary>
    public static void AssertChainVerifies(IEnumerable<string> files, int records)
    {
        var verified = McpTunnel.Proxy.Audit.AuditChainVerifier.Verify(Bytes(files));
        Assert.True(verified.Ok, verified.Problem?.Message);
        Assert.Equal(records, verified.Records);
    }

    /// <summary>The hex SHA-256 of a file, as anchors name the config.</summary>
    public static string Sha256Of(string file) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));

    /// <summary>Every line of an audit file, parsed.</summary>
    public static List<JsonElement> Records(string path) =>
        [.. File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    /// <summary>
    /// POSTs <paramref name="json"/> to route <c>echo</c> through the tunnel and reads the whole answer (so the request
    /// has ended, and been handed to the audit log, when this returns); optionally with a session and a traceparent.
    /// </summary>
    public static async Task<HttpStatusCode> PostAsync(HttpClient client, TestProxy proxy, string json, string? session = null, string? traceParent = null)
    {
        using var response = await JsonRpcPost.SendAsync(client, proxy, json, ("Mcp-Session-Id", session), ("traceparent", traceParent));
        return response.StatusCode;
    }
}
