namespace McpTunnel.Bench;

/// <summary>
/// A second mcp-proxy measured beside the plain one in the same rounds (target <c>tunnel+NAME</c>): the same config with
/// extra top-level keys (<c>--variant NAME=FILE</c>, <c>--metrics-ab</c>), or another build (a second
/// <c>--proxy-binary</c>). Alternating the two in every round is what makes a few microseconds visible on a shared host.
/// </summary>
internal sealed record ProxyVariant(string Name, string Description, string ConfigFragment, string? Binary = null)
{
    public const string KindPrefix = "tunnel+";

    /// <summary><c>--metrics-ab</c>: the admin listener on, so metrics and the MCP-aware request telemetry run.</summary>
    public static readonly ProxyVariant Metrics = new("metrics", "Metrics and MCP awareness on (admin_addr set)", "admin_addr: \"127.0.0.1:0\"\n");

    public string Kind => KindPrefix + Name;

    /// <summary>
    /// Reads <c>NAME=FILE</c>: NAME becomes the target's suffix (letters, digits, <c>-</c>, <c>_</c>), FILE holds YAML keys
    /// added at the top of the bench's proxy config (keys the base config already has are refused by the proxy's loader).
    /// </summary>
    public static bool TryParse(string argument, out ProxyVariant? variant, out string error)
    {
        variant = null;
        error = "";
        var equals = argument.IndexOf('=');
        var name = equals < 0 ? "" : argument[..equals];
        var file = equals < 0 ? "" : argument[(equals + 1)..];
        if (name.Length == 0 || file.Length == 0)
        {
            error = $"--variant expects NAME=FILE, e.g. policy=docs/bench/variants/policy.yaml (got '{argument}').";
            return false;
        }

        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            error = $"--variant: the name '{name}' may hold only letters, digits, '-' and '_' (it becomes target tunnel+{name}).";
            return false;
        }

        if (!File.Exists(file))
        {
            error = $"--variant {name}: no such file '{file}' (a YAML file of config keys to add, such as docs/bench/variants/policy.yaml).";
            return false;
        }

        var fragment = File.ReadAllText(file);
        variant = new ProxyVariant(name, $"Variant {name} ({Path.GetFileName(file)})", fragment.EndsWith('\n') ? fragment : fragment + "\n");
        return true;
    }

    /// <summary>The second and later <c>--proxy-binary</c>: the same config, another build.</summary>
    public static ProxyVariant ForBinary(int index, string binary) =>
        new($"bin{index + 1}", $"Binary {index + 1} ({binary})", "", binary);
}
