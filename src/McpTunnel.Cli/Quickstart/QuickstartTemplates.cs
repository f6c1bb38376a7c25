using System.Text;

namespace McpTunnel.Cli.Quickstart;

/// <summary>
/// The files of the seed's steps 3, 6, 7 and 8 (the docs' quickstart layout and services), as text. Deterministic: the same
/// plan always gives the same bytes, which is what lets a re-run report "unchanged".
/// </summary>
internal static class QuickstartTemplates
{
    /// <summary>The documented image, pinned by digest as the docs do; <c>--proxy-image</c> switches to another build.</summary>
    public const string DefaultProxyImage = "us-docker.pkg.dev/anthropic-public-registry/images/mcp-proxy@sha256:6b9adedbf2763143ec72f106ecaf0ce7fd3294e89b208f54a1db97a33d14c5ba";

    public const string CloudflaredImage = "cloudflare/cloudflared@sha256:6b599ca3e974349ead3286d178da61d291961182ec3fe9c505e1dd02c8ac31b0";

    public const string TokenPlaceholder = "PASTE_TUNNEL_TOKEN_HERE";

    public const string SampleRouteName = "echo";

    public const string SampleUpstream = "http://hello-mcp:9000";

    public static string Env(string domain, string? existingTokenLine) =>
        $"TUNNEL_DOMAIN={domain}\n{existingTokenLine ?? $"TUNNEL_TOKEN={TokenPlaceholder}"}\n";

    public const string GitIgnore = ".env\ndata/\n";

    public static string ProxyConfig(QuickstartPlan plan)
    {
        var builder = new StringBuilder();
        builder.Append("# Written by mcptunnel quickstart. The proxy reads it once at start:\n");
        builder.Append("# after editing, run docker compose restart mcp-proxy (up -d alone does not reload it).\n");
        builder.Append("listen_addr: \":8080\"\n");
        builder.Append("log_level: info\n");
        builder.Append($"tunnel_domain: {plan.Domain}\n");
        builder.Append("tls:\n");
        builder.Append("  cert_file: /data/tls.crt\n");
        builder.Append("  key_file: /data/tls.key\n");
        builder.Append("routes:\n");
        foreach (var (name, upstream) in plan.Routes)
        {
            builder.Append($"  {name}: {upstream}\n");
        }

        if (plan.HostHeaders.Count > 0)
        {
            // The route map stays name -> URL; the Host each upstream receives is set beside it.
            builder.Append("upstream:\n");
            builder.Append("  host_header:             # original (the caller's Host, default) | upstream (the route's host:port) | host[:port]\n");
            foreach (var (name, value) in plan.HostHeaders)
            {
                builder.Append($"    {name}: {value}\n");
            }
        }

        return builder.ToString();
    }

    public static string Compose(QuickstartPlan plan, string proxyImage)
    {
        var builder = new StringBuilder($$"""
            # Written by mcptunnel quickstart (the docs' minimal quickstart stack).
            # Start: docker compose up -d. TUNNEL_TOKEN comes from .env, which Compose loads automatically.
            services:
              mcp-proxy:
                image: {{proxyImage}}
                command: ["-config", "/etc/mcp-proxy/config.yaml"]
                volumes:
                  - ./config/mcp-proxy.yaml:/etc/mcp-proxy/config.yaml:ro
                  - ./data:/data:ro
                restart: unless-stopped

              cloudflared:
                image: {{CloudflaredImage}}
                # --url is required in the manual flow: no ingress rules are pushed, so without it every request fails.
                command: tunnel --no-autoupdate run --url http://localhost:8080
                environment:
                  - TUNNEL_TOKEN
                # Shares the proxy's network namespace, so localhost:8080 is the proxy.
                network_mode: "service:mcp-proxy"
                restart: unless-stopped

            """);
        if (plan.Sample)
        {
            builder.Append("""

                  hello-mcp:
                    image: python:3.13-slim
                    working_dir: /app
                    volumes:
                      - ./hello_server.py:/app/hello_server.py:ro
                    command: sh -c "pip install --quiet mcp && python hello_server.py"
                    restart: unless-stopped

                """);
        }

        return builder.ToString().ReplaceLineEndings("\n");
    }

    public const string HelloServer = """"
        from mcp.server.fastmcp import FastMCP

        mcp = FastMCP("hello-server", host="0.0.0.0", port=9000)


        @mcp.tool()
        def hello(name: str = "world") -> str:
            """Say hello to someone."""
            return f"Hello, {name}!"


        if __name__ == "__main__":
            mcp.run(transport="streamable-http")

        """";
}
