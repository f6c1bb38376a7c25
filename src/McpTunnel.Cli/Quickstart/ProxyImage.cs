namespace McpTunnel.Cli.Quickstart;

/// <summary>
/// The proxy image quickstart writes into docker-compose.yaml. By default McpTunnel's own, under the name the
/// repository's Compose stacks use (<c>${MCP_PROXY_IMAGE:-mcp-proxy:local}</c>, built by
/// <c>deploy/docker/build-image.sh</c>); <c>--proxy-image anthropic</c> is Anthropic's published image, pinned by digest
/// as its docs do, for parity tests. Any other reference is taken as a build of ours pushed to a registry: only
/// Anthropic's image lacks the extensions the generated files use.
/// </summary>
internal sealed record ProxyImage(string Reference, bool IsAnthropic)
{
    /// <summary>The flag value that selects Anthropic's image.</summary>
    public const string AnthropicAlias = "anthropic";

    /// <summary>McpTunnel's image, overridable from <c>.env</c> or the shell like every stack in deploy/compose.</summary>
    public const string McpTunnelReference = "${MCP_PROXY_IMAGE:-mcp-proxy:local}";

    /// <summary>Anthropic's image as its quickstart pins it.</summary>
    public const string AnthropicReference = "us-docker.pkg.dev/anthropic-public-registry/images/mcp-proxy@sha256:6b9adedbf2763143ec72f106ecaf0ce7fd3294e89b208f54a1db97a33d14c5ba";

    private const string AnthropicRepository = "anthropic-public-registry/images/mcp-proxy";

    public static ProxyImage McpTunnel { get; } = new(McpTunnelReference, IsAnthropic: false);

    public static ProxyImage Parse(string text)
    {
        var reference = text.Trim();
        if (reference.Equals(AnthropicAlias, StringComparison.OrdinalIgnoreCase))
        {
            return new ProxyImage(AnthropicReference, IsAnthropic: true);
        }

        return new ProxyImage(reference, reference.Contains(AnthropicRepository, StringComparison.OrdinalIgnoreCase));
    }
}
