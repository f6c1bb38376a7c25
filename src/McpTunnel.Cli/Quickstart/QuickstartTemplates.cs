using System.Text;

namespace McpTunnel.Cli.Quickstart;

/// <summary>
/// The files of the seed's steps 3, 6, 7 and 8 (the docs' quickstart layout and services), as text. Deterministic: the same
/// plan always gives the same bytes, which is what lets a re-run report "unchanged".
/// </summary>
internal static class QuickstartTemplates
{
    /// <summary>
    /// The admin listener on the loopback of the proxy's network namespace (which cloudflared shares, and nothing else):
    /// the compose healthcheck, <c>mcptunnel top</c> and <c>doctor --admin</c> read it. McpTunnel's image only.
    /// </summary>
    public const string AdminAddress = "127.0.0.1:9090";

    /// <summary>Where the generated compose file mounts the config (the docs' quickstart layout, read with <c>-config</c>).</summary>
    public const string ConfigPathInContainer = "/etc/mcp-proxy/config.yaml";

    public const string CloudflaredImage = "cloudflare/cloudflared@sha256:6b599ca3e974349ead3286d178da61d291961182ec3fe9c505e1dd02c8ac31b0";

    public const string TokenPlaceholder = "PASTE_TUNNEL_TOKEN_HERE";

    public const string SampleRouteName = "echo";

    public const string SampleUpstream = "http://hello-mcp:9000";

    public static string Env(string domain, string? existingTokenLine) =>
        $"TUNNEL_DOMAIN={domain}\n{existingTokenLine ?? $"TUNNEL_TOKEN={TokenPlaceholder}"}\n";

    public const string GitIgnore = ".env\ndata/\n";

    public static string ProxyConfig(QuickstartPlan plan, ProxyImage image)
    {
        var builder = new StringBuilder();
        if (image.IsAnthropic)
        {
            builder.Append("# Written by mcptunnel quickstart. The proxy reads it once at start:\n");
            builder.Append("# after editing, run docker compose restart mcp-proxy (up -d alone does not reload it).\n");
        }
        else
        {
            // McpTunnel's proxy reloads on SIGHUP; the file is bind-mounted on its own, so an edit must keep its inode.
            builder.Append("# Written by mcptunnel quickstart. After editing it in place, docker compose kill -s HUP mcp-proxy reloads it\n");
            builder.Append("# without a restart (listen_addr, admin_addr, tunnel_domain, tls, limits and turning audit on take a restart).\n");
        }

        builder.Append("listen_addr: \":8080\"\n");
        if (!image.IsAnthropic)
        {
            builder.Append("# Health, readiness and metrics (/healthz, /readyz, /metrics) on the loopback of the proxy's network namespace:\n");
            builder.Append("# the compose healthcheck, mcptunnel top and mcptunnel doctor --admin read it. McpTunnel's proxy only.\n");
            builder.Append($"admin_addr: \"{AdminAddress}\"\n");
        }

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

    public static string Compose(QuickstartPlan plan, ProxyImage image)
    {
        var builder = new StringBuilder(image.IsAnthropic
            ? """
                # Written by mcptunnel quickstart (the docs' minimal quickstart stack) with Anthropic's proxy image.
                # Start: docker compose up -d. TUNNEL_TOKEN comes from .env, which Compose loads automatically.

                """
            : """
                # Written by mcptunnel quickstart (the docs' minimal quickstart stack) with McpTunnel's proxy image:
                # mcp-proxy:local, built once from a checkout with deploy/docker/build-image.sh (Docker or Podman), or
                # MCP_PROXY_IMAGE=<your registry's reference> in .env.
                # Start: docker compose up -d. TUNNEL_TOKEN comes from .env, which Compose loads automatically.

                """);
        builder.Append($$"""
            services:
              mcp-proxy:
                image: {{image.Reference}}
                command: ["-config", "{{ConfigPathInContainer}}"]
                volumes:
                  - ./config/mcp-proxy.yaml:{{ConfigPathInContainer}}:ro
                  - ./data:/data:ro
                restart: unless-stopped

            """);
        if (!image.IsAnthropic)
        {
            // The image's own HEALTHCHECK reads the default config path; this stack mounts it elsewhere.
            builder.Append($$"""
                    healthcheck:
                      test: ["CMD", "/mcp-proxy", "-healthcheck", "-config", "{{ConfigPathInContainer}}"]
                      interval: 15s
                      timeout: 5s
                      start_period: 5s
                      retries: 3

                """);
        }

        builder.Append($$"""

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

    /// <summary>
    /// The sample MCP server (Python, FastMCP) for route <c>echo</c>: deploy/compose/quickstart/hello_server.py, embedded at
    /// build time, the one copy of it in the source.
    /// </summary>
    public static string HelloServer => s_helloServer.Value;

    private static readonly Lazy<string> s_helloServer = new(() =>
    {
        using var stream = typeof(QuickstartTemplates).Assembly.GetManifestResourceStream("hello_server.py")
            ?? throw new InvalidOperationException("hello_server.py is not embedded in mcptunnel");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    });
}
