using System.CommandLine;
using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Api;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// Binds the typed flag values and the environment into validated settings: a flag wins over the variable it falls
/// back to, which wins over the default. Reports every problem at once, each naming the flag or variable and how to
/// fix it (docs/ARCHITECTURE.md "Configuration"); a bad invocation is a usage error (exit 2) raised before any work
/// starts.
/// </summary>
internal static class SettingsBinder
{
    public static readonly TimeSpan DefaultCertDuration = TimeSpan.FromHours(2160);

    public static InitSettings BindInit(ParsedCommandLine line, SetupHost host)
    {
        var errors = new List<string>();
        var options = line.Options;
        var apiUrlVariable = host.GetEnvironment("API_URL");
        var apiUrl = FlagOrVariable(line, options.ApiUrl, apiUrlVariable, FlagRules.TryReadApiUrl, errors);
        if (!line.Given(options.ApiUrl) && apiUrlVariable is null)
        {
            errors.Add("--api-url is required: pass --api-url=https://api.anthropic.com or set API_URL");
        }

        var tunnelId = FlagOrVariable(line, options.TunnelId, host.GetEnvironment("TUNNEL_ID"), FlagRules.TryReadTunnelId, errors);
        var output = BindOutput(line, host, errors);
        var certDuration = line.TryGetValue(options.CertDuration, errors, out var duration) ? duration : DefaultCertDuration;
        KeyAlgorithm? keyType = line.TryGetValue(options.KeyType, errors, out var algorithm) ? algorithm : null;
        var tokenVersion = line.TryGetValue(options.TokenVersion, errors, out var version) ? version : null;
        var identity = WorkloadIdentitySettings.Bind(host, errors);
        ThrowIfAny(errors);
        return new InitSettings(apiUrl!, tunnelId, output!, certDuration, tokenVersion, keyType, identity!);
    }

    public static RenewCertSettings BindRenewCert(ParsedCommandLine line, SetupHost host)
    {
        var errors = new List<string>();
        var options = line.Options;
        var output = BindOutput(line, host, errors);
        var certDuration = line.TryGetValue(options.CertDuration, errors, out var duration) ? duration : DefaultCertDuration;
        var renewBefore = line.TryGetValue(options.RenewBefore, errors, out var before) ? before : TimeSpan.Zero;
        KeyAlgorithm? keyType = line.TryGetValue(options.KeyType, errors, out var algorithm) ? algorithm : null;
        ThrowIfAny(errors);
        return new RenewCertSettings(output!, certDuration, renewBefore, keyType);
    }

    /// <summary>The flag's value; without the flag, the variable's read by the same rule; else null.</summary>
    private static T? FlagOrVariable<T>(ParsedCommandLine line, Option<T> option, string? variable, FlagRule<T> rule, List<string> errors)
        where T : class
    {
        if (line.Given(option))
        {
            return line.TryGetValue(option, errors, out var value) ? value : null;
        }

        if (variable is null)
        {
            return null;
        }

        if (rule(variable, out var fromVariable, out var error))
        {
            return fromVariable;
        }

        errors.Add(error!);
        return null;
    }

    private static OutputDestination? BindOutput(ParsedCommandLine line, SetupHost host, List<string> errors)
    {
        if (line.Given(line.Options.Output))
        {
            return line.TryGetValue(line.Options.Output, errors, out var destination) ? destination : null;
        }

        if (KubernetesEnvironment.IsInPod(host))
        {
            return new KubernetesSecretDestination(OutputDestination.DefaultSecretName);
        }

        errors.Add("--output is required outside a Kubernetes pod: pass --output=dir:/path (Compose: --output=dir:/data) or --output=k8s-secret:NAME");
        return null;
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count == 1)
        {
            throw SetupException.Usage(errors[0]);
        }

        if (errors.Count > 1)
        {
            throw SetupException.Usage($"{errors.Count} problems with the command line or environment:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", errors)}");
        }
    }
}
