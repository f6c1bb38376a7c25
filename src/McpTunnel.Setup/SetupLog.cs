namespace McpTunnel.Setup;

/// <summary>
/// Progress lines on stdout, warnings and errors on stderr. Secrets handled in this run (the JWT, the
/// access token, the tunnel token, private keys) are registered here, and any line that would contain
/// one has it replaced with <c>[redacted]</c>: a second line of defence behind never formatting them
/// (secrets must never reach the logs).
/// </summary>
internal sealed class SetupLog(TextWriter output, TextWriter error)
{
    private const string Redacted = "[redacted]";
    private readonly List<string> _secrets = [];

    /// <summary>Registers every secret a stored output holds (tunnel token, CA key, server key).</summary>
    public void RegisterSecrets(Outputs.StoredOutput stored)
    {
        RegisterSecret(stored.TunnelToken);
        RegisterSecret(stored.CaKeyPem);
        RegisterSecret(stored.ServerKeyPem);
    }

    public void RegisterSecret(string? secret)
    {
        if (!string.IsNullOrWhiteSpace(secret) && secret.Length >= 8)
        {
            _secrets.Add(secret.Trim());
        }
    }

    public void Info(string message) => output.WriteLine(Scrub(message));

    public void Warning(string message) => error.WriteLine(Scrub("warning: " + message));

    public void Failure(string message, string? fix)
    {
        error.WriteLine(Scrub("error: " + message));
        if (fix is not null)
        {
            error.WriteLine(Scrub("fix: " + fix));
        }
    }

    private string Scrub(string message)
    {
        foreach (var secret in _secrets)
        {
            message = message.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        return message;
    }
}
