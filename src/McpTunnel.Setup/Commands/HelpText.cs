using System.Text;

namespace McpTunnel.Setup.Commands;

/// <summary>The text of <c>setup --help</c> and <c>setup &lt;command&gt; --help</c>, built from the flag table.</summary>
internal static class HelpText
{
    private static readonly SetupOptions Table = new();

    public static string For(string? command)
    {
        var text = new StringBuilder();
        text.AppendLine(command switch
        {
            SetupOptions.Init => "Usage: setup init [flags]\n\nAttach to (or create) a tunnel, generate the CA and server certificate, register the CA,\nfetch or rotate the tunnel token, and write everything to the output.",
            SetupOptions.RenewCert => "Usage: setup renew-cert [flags]\n\nIssue a new server certificate (and key) with the stored CA. Makes no API call.",
            _ => "Usage: setup <command> [flags]\n\nCommands:\n  init        provision the tunnel: tunnel, CA, server certificate, token, outputs\n  renew-cert  issue a new server certificate with the stored CA (no API call)",
        });
        text.AppendLine();
        text.AppendLine("Flags (--name=value or --name value; -name also works):");
        foreach (var flag in Table.All.Where(f => command is null || f.Commands.Contains(command)))
        {
            var name = flag.IsSwitch ? $"--{flag.Name}" : $"--{flag.Name}={flag.ValueName}";
            var scope = command is null && !flag.IsSwitch ? $" [{string.Join(", ", flag.Commands)}]" : string.Empty;
            var env = flag.EnvironmentFallback is null ? string.Empty : $" (env {flag.EnvironmentFallback})";
            text.AppendLine($"  {name,-26} {flag.Help}{env}{scope}");
        }

        if (command is null or SetupOptions.Init)
        {
            text.AppendLine();
            text.AppendLine("Environment for init (Workload Identity Federation):");
            text.AppendLine("  ANTHROPIC_FEDERATION_RULE_ID    federation rule (fdrl_...), required");
            text.AppendLine("  ANTHROPIC_ORGANIZATION_ID       organization UUID, required");
            text.AppendLine("  ANTHROPIC_IDENTITY_TOKEN_FILE   path of the OIDC token (re-read each run), or");
            text.AppendLine("  ANTHROPIC_IDENTITY_TOKEN        the OIDC token itself; exactly one of the two");
            text.AppendLine("  ANTHROPIC_WORKSPACE_ID          workspace (optional; default: the rule's workspace)");
            text.AppendLine("  ANTHROPIC_SERVICE_ACCOUNT_ID    service account (optional; default: the rule's target)");
        }

        text.AppendLine();
        text.AppendLine("Outputs: tls.crt tls.key ca.crt ca.key tunnel-token tunnel-domain tunnel-id token-version");
        text.AppendLine("(files of mode 0600 in dir:, keys of the Secret in k8s-secret:).");
        text.AppendLine("Exit status: 0 success, 1 failure, 2 invalid flags or environment.");
        return text.ToString();
    }
}
