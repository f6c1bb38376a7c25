using McpTunnel.Cli.Check;

namespace McpTunnel.Cli.Quickstart;

/// <summary>
/// <c>mcptunnel quickstart [DIR]</c>: the seed's guided Docker flow as one program.
/// <code>
/// 1 answers (flags, else prompts on a terminal) → 2 config/ data/ → 3 .env .gitignore → 4 CA + server cert
/// → 5 config/mcp-proxy.yaml (loaded back with the proxy's loader) → 6 docker-compose.yaml [+ hello_server.py]
/// → 7 Docker preflight (a warning); with Anthropic's image, the extensions it lacks (a warning)
/// → 8 next steps (the image, Console upload, token, start, URL)
/// </code>
/// Exit 0 done, 1 when something on disk blocks it, 2 when an answer is missing or invalid.
/// </summary>
internal sealed class QuickstartRunner(QuickstartOptions options, QuickstartEnvironment environment, TextWriter output, TextWriter error)
{
    public int Run()
    {
        // Step 1: answers.
        if (QuickstartPlanner.Resolve(options, environment, error) is not { } plan)
        {
            return 2;
        }

        // Step 2: directories.
        var files = new QuickstartFiles(options.Directory, options.Force, output);
        output.WriteLine($"mcptunnel quickstart: {files.Root} for {plan.Domain}");
        Directory.CreateDirectory(files.PathOf("config"));
        Directory.CreateDirectory(files.PathOf("data"));

        // Step 3: credentials file and .gitignore.
        files.WriteEnv(plan.Domain);
        files.Write(".gitignore", QuickstartTemplates.GitIgnore);

        // Step 4: certificates.
        if (!new QuickstartCertificates(files, options, environment, output).Ensure(plan.Domain, error))
        {
            return 1;
        }

        // Step 5: proxy config, then load it back as the proxy will (with ./data at /data).
        files.Write("config/mcp-proxy.yaml", QuickstartTemplates.ProxyConfig(plan, options.ProxyImage));
        var loaded = ConfigSource.Load(files.PathOf("config/mcp-proxy.yaml"), null, [new PathMount(files.PathOf("data"), "/data")], "run quickstart again in an empty directory");
        if (!loaded.Loaded)
        {
            error.WriteLine("quickstart: config/mcp-proxy.yaml does not load in the proxy:");
            foreach (var configError in loaded.Errors)
            {
                error.WriteLine($"  {configError}");
            }

            return 1;
        }

        // Step 6: compose file and the sample server.
        files.Write("docker-compose.yaml", QuickstartTemplates.Compose(plan, options.ProxyImage));
        if (options.ProxyImage.IsAnthropic)
        {
            WarnAboutAnthropicImage(files);
        }
        if (plan.Sample)
        {
            files.Write("hello_server.py", QuickstartTemplates.HelloServer);
        }

        // Step 7: preflight; missing Docker does not stop the files being useful elsewhere.
        if (!environment.DockerAvailable())
        {
            output.WriteLine("WARN docker not found on PATH: install Docker with Compose v2 before starting (the files are ready anyway)");
        }

        // Step 8: what only the user can do.
        QuickstartNextSteps.Write(output, files, plan, options.ProxyImage, environment.Checkout);
        return 0;
    }

    /// <summary>
    /// Anthropic's image is for parity tests: say what it lacks, from the config as it is on disk (a kept, hand-edited
    /// file counts, not what this run would have written).
    /// </summary>
    private void WarnAboutAnthropicImage(QuickstartFiles files)
    {
        var keys = ExtensionKeys.Find(File.ReadAllText(files.PathOf("config/mcp-proxy.yaml")));
        output.WriteLine("WARN docker-compose.yaml runs Anthropic's proxy image, not McpTunnel's: no admin listener (health, readiness,");
        output.WriteLine("     metrics, mcptunnel top, doctor --admin), no compose healthcheck, none of McpTunnel's fixes and extensions.");
        if (keys.Count > 0)
        {
            output.WriteLine($"     config/mcp-proxy.yaml sets keys that image does not document; it refuses or ignores them: {ExtensionKeys.Describe(keys)}");
        }

        output.WriteLine($"     Without --proxy-image the stack runs McpTunnel's image ({ProxyImage.McpTunnelReference}).");
    }
}
