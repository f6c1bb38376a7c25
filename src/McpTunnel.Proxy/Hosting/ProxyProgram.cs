using McpTunnel.Common.Net;
using System.Runtime.InteropServices;
using McpTunnel.Common;
using McpTunnel.CommandLine;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Logging;
using McpTunnel.Proxy.Observability;
using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// The <c>mcp-proxy</c> process: flags → config (every error at once, exit 1 before listening, as the docs' "Proxy exits with …" expects)
/// → serve (SIGHUP reloads the config) until SIGTERM/SIGINT → drain → exit 0, or 1 if the drain had to cut requests at shutdown_timeout.
/// </summary>
internal static class ProxyProgram
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!ProxyCommandLine.TryParse(args, out var commandLine, out var error))
        {
            // One line saying what is wrong, as Go's flag package words it, and where the help is: the whole
            // usage text would bury the line that matters (the same contract as mcptunnel and setup).
            await stderr.WriteLineAsync($"mcp-proxy: {error}");
            await stderr.WriteLineAsync(UsagePointer.For("mcp-proxy"));
            return UsagePointer.ExitCode;
        }

        if (commandLine.ShowHelp)
        {
            await stdout.WriteLineAsync(ProxyCommandLine.Usage);
            return 0;
        }

        if (commandLine.ShowVersion)
        {
            await stdout.WriteLineAsync(ProgramVersion.Describe("mcp-proxy", typeof(ProxyProgram).Assembly));
            return 0;
        }

        ProxyConfigLoadResult loaded;
        try
        {
            loaded = ProxyConfigLoader.Load(commandLine.ConfigPath, commandLine.TunnelDomain);
        }
        catch (ProxyConfigException ex)
        {
            await stderr.WriteLineAsync($"mcp-proxy: {ex.Message}");
            return 1;
        }

        if (commandLine.HealthCheck)
        {
            return await HealthCheckProbe.RunAsync(loaded.Config, commandLine.ConfigPath, stdout, stderr);
        }

        ProxyServer server;
        try
        {
            server = ProxyServer.Create(
                loaded.Config,
                new ProxyServerOptions { ConfigSha256 = loaded.Sha256, ConfigPath = commandLine.ConfigPath, TunnelDomainOverride = commandLine.TunnelDomain, WatchConfig = commandLine.WatchConfig },
                loaded.Hash);
        }
        catch (CertificateLoadException ex)
        {
            await stderr.WriteLineAsync($"mcp-proxy: {ex.Message}");
            return 1;
        }

        await using (server)
        {
            var logger = server.Logger;
            foreach (var warning in loaded.Warnings)
            {
                ProxyLog.ConfigWarning(logger, warning);
            }

            try
            {
                await server.StartAsync();
            }
            catch (AdminListenException ex)
            {
                await stderr.WriteLineAsync($"mcp-proxy: {ex.Message}");
                return 1;
            }
            catch (IOException ex)
            {
                // Typically the port is taken: say which address, in the words Go would use.
                await stderr.WriteLineAsync($"mcp-proxy: listen tcp {loaded.Config.ListenAddress}: {ex.GetBaseException().Message}");
                return 1;
            }

            // SIGHUP reloads the config (off the signal thread; a reload that fails keeps the running one). Without a
            // handler SIGHUP would end the process, as it did before reload existed.
            using var reload = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = Task.Run(() => server.ReloadConfig("SIGHUP"));
            });

            // SIGTERM/SIGINT only asks the host to stop; the drain, its deadline and the count of what it cut are ours.
            await server.StopRequestedAsync();
            var cut = await server.StopAsync();
            return cut == 0 ? 0 : 1;
        }
    }
}
