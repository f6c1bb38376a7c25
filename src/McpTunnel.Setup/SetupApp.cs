using McpTunnel.CommandLine;
using McpTunnel.Common;
using McpTunnel.Setup.Commands;

namespace McpTunnel.Setup;

/// <summary>
/// The program, callable in-process: parse the command line, run the subcommand, map every expected
/// failure to a message with its fix and an exit code (0 ok, 1 failure, 2 usage).
/// </summary>
internal static class SetupApp
{
    /// <summary>The last line of every usage error, as mcptunnel and mcp-proxy end theirs: where the help is, not the help.</summary>
    private static void WriteHelpPointer(SetupHost host, string? command) =>
        host.Error.WriteLine(UsagePointer.For(command is null ? "setup" : $"setup {command}"));

    public static async Task<int> RunAsync(IReadOnlyList<string> args, SetupHost host, CancellationToken cancellationToken = default)
    {
        var log = new SetupLog(host.Out, host.Error);
        try
        {
            var line = CommandLineParser.Parse(args);
            if (line.VersionRequested)
            {
                host.Out.WriteLine(ProgramVersion.Describe("setup", typeof(SetupApp).Assembly));
                return ExitCodes.Success;
            }

            if (line.HelpRequested)
            {
                host.Out.Write(HelpText.For(line.Command));
                return ExitCodes.Success;
            }

            switch (line.Command)
            {
                case SetupOptions.Init:
                    await new InitCommand(SettingsBinder.BindInit(line, host), host, log).RunAsync(cancellationToken);
                    return ExitCodes.Success;
                case SetupOptions.RenewCert:
                    await new RenewCertCommand(SettingsBinder.BindRenewCert(line, host), host, log).RunAsync(cancellationToken);
                    return ExitCodes.Success;
                default:
                    log.Failure("no command given", "run `setup init` or `setup renew-cert`");
                    WriteHelpPointer(host, null);
                    return ExitCodes.Usage;
            }
        }
        catch (SetupException exception)
        {
            log.Failure(exception.Message, exception.Fix);
            if (exception.IsUsageError)
            {
                WriteHelpPointer(host, args.FirstOrDefault(SetupOptions.CommandNames.Contains));
            }

            return exception.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Failure("interrupted", "re-run setup: every step converges from where it stopped");
            return ExitCodes.Failure;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A bug or an environment we did not foresee: one line (scrubbed like every other), exit 1.
            log.Failure($"unexpected {exception.GetType().Name}: {exception.Message}", "re-run setup; if it persists, report this message");
            return ExitCodes.Failure;
        }
    }
}
