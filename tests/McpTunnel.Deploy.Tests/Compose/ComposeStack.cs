using System.Text.Json.Nodes;
using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Compose;

/// <summary>One stack under deploy/compose: its docker-compose.yaml and config/mcp-proxy.yaml.</summary>
internal sealed class ComposeStack
{
    private ComposeStack(string name)
    {
        Name = name;
        Compose = Yaml.ParseFile("deploy", "compose", name, "docker-compose.yaml")!;
        Config = Yaml.ParseFile("deploy", "compose", name, "config", "mcp-proxy.yaml")!;
    }

    public string Name { get; }

    public JsonNode Compose { get; }

    public JsonNode Config { get; }

    public JsonObject Services => Compose.Obj("services");

    public static ComposeStack Load(string name) => new(name);

    public JsonNode Service(string name) =>
        Services[name] ?? throw new Xunit.Sdk.XunitException($"{Name}: no service '{name}'");

    /// <summary>Services started by a plain `docker compose up` (no profile).</summary>
    public IReadOnlyList<string> DefaultServices =>
        Services.Where(kv => kv.Value!.At("profiles") is null).Select(kv => kv.Key).ToList();

    /// <summary>The container path a short-syntax volume entry mounts "source" at, with its mode.</summary>
    public static (string Source, string Target, bool ReadOnly) ParseVolume(string entry)
    {
        var parts = entry.Split(':');
        return (parts[0], parts[1], parts.Length > 2 && parts[2].Split(',').Contains("ro"));
    }

    public IReadOnlyList<(string Source, string Target, bool ReadOnly)> Volumes(string service) =>
        Service(service).Strings("volumes").Select(ParseVolume).ToList();

    public string PathOf(string relative) => RepoPaths.Of("deploy", "compose", Name, relative);
}
