using System.Diagnostics;

namespace McpTunnel.Pki.Tests.Infrastructure;

/// <summary>
/// Runs the real openssl CLI (a Debian package CI installs), so fixtures are made the way operators make
/// them with the docs' manual recipe.
/// </summary>
public static class OpenSsl
{
    public const string Executable = "/usr/bin/openssl";

    public static string Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"openssl {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}{stdout}");
        }

        return stdout;
    }
}
