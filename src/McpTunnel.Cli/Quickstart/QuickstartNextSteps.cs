namespace McpTunnel.Cli.Quickstart;

/// <summary>Steps 3, 5, 9 and 10 of the seed, after the image: what only the user can do, with exact paths and URLs.</summary>
internal static class QuickstartNextSteps
{
    public static void Write(TextWriter output, QuickstartFiles files, QuickstartPlan plan, ProxyImage image, string? checkout)
    {
        var env = files.PathOf(".env");
        output.WriteLine();
        output.WriteLine("Next steps");
        WriteImage(output, image, checkout);
        output.WriteLine($"  1. Register the CA: Console → MCP tunnels → your tunnel → Certificates → Add certificate, upload {files.PathOf("data/ca.crt")}");
        output.WriteLine("     The tunnel turns Active once a certificate is registered.");
        output.WriteLine(files.TokenLooksSet()
            ? $"  2. Token: {env} already has a TUNNEL_TOKEN (not shown)."
            : $"  2. Token: open {env} and replace {QuickstartTemplates.TokenPlaceholder} with the tunnel's Token (eye icon in the Console). Never paste it into a chat.");
        output.WriteLine($"  3. Start: cd {files.Root} && docker compose up -d");
        output.WriteLine("     Healthy: docker compose logs mcp-proxy | grep \"route configured\"  (one line per route)");
        output.WriteLine("              docker compose logs cloudflared | grep \"Registered tunnel connection\"  (four lines)");
        if (!image.IsAnthropic)
        {
            output.WriteLine("              docker compose ps mcp-proxy  (healthy: the proxy's /readyz answers ready)");
        }

        output.WriteLine("  4. Claude reaches:");
        foreach (var (name, upstream) in plan.Routes)
        {
            output.WriteLine($"       https://{name}.{plan.Domain}/mcp   (route {name} → {upstream}; Managed Agents: Subdomain {name}, Path mcp)");
        }

        var admin = image.IsAnthropic ? "" : $" --admin http://{QuickstartTemplates.AdminAddress}";
        output.WriteLine($"  Diagnose: mcptunnel check {Path.Combine(files.Root, "config", "mcp-proxy.yaml")}   (add --explain https://{plan.Routes[0].Key}.{plan.Domain}/mcp inside the stack, where service names resolve)");
        output.WriteLine($"            mcptunnel doctor --config {QuickstartTemplates.ConfigPathInContainer} --ca /data/ca.crt{admin}   (from inside the proxy's network)");
        output.WriteLine($"  Renew (every 90 days): mcptunnel certs renew --ca-cert data/ca.crt --ca-key data/ca.key --cert data/tls.crt --key data/tls.key");
        output.WriteLine("  .env holds a live secret (mode 0600, in .gitignore). This is a local-testing setup; see Deploy with Docker Compose for a hardened one.");
    }

    /// <summary>Step 0: the image. McpTunnel's has no public registry, so say how to build it; Anthropic's is pulled.</summary>
    private static void WriteImage(TextWriter output, ProxyImage image, string? checkout)
    {
        if (image.IsAnthropic)
        {
            output.WriteLine($"  0. Image: {image.Reference} (Anthropic's; docker compose pulls it)");
            return;
        }

        if (image.Reference != ProxyImage.McpTunnelReference)
        {
            output.WriteLine($"  0. Image: {image.Reference} must be pullable from this host (push McpTunnel's image there, built with deploy/docker/build-image.sh)");
            return;
        }

        var script = checkout is null ? "deploy/docker/build-image.sh" : Path.Combine(checkout, "deploy", "docker", "build-image.sh");
        output.WriteLine("  0. Image: McpTunnel's proxy, mcp-proxy:local. Build it once on this host (Docker or Podman, a few minutes):");
        output.WriteLine(checkout is null
            ? $"       {script}   (in a checkout of McpTunnel)"
            : $"       {script}");
        output.WriteLine("     or set MCP_PROXY_IMAGE=<your registry>/mcp-proxy@sha256:… in .env.");
    }
}
