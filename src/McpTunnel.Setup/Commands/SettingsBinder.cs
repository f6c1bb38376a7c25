using McpTunnel.Common;
using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Api;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// Turns parsed flags and the environment into validated settings. Reports every problem at once, each
/// naming the flag or variable and how to fix it (docs/ARCHITECTURE.md "Configuration"); a bad invocation is a
/// usage error (exit 2) raised before any work starts.
/// </summary>
internal static class SettingsBinder
{
    public static readonly TimeSpan DefaultCertDuration = TimeSpan.FromHours(2160);

    public static InitSettings BindInit(ParsedCommandLine line, SetupHost host)
    {
        var errors = new List<string>();
        var apiUrl = BindApiUrl(line.Get(Flags.ApiUrl) ?? host.GetEnvironment("API_URL"), errors);
        var tunnelId = line.Get(Flags.TunnelId) ?? host.GetEnvironment("TUNNEL_ID");
        if (tunnelId is not null && (tunnelId.Any(char.IsWhiteSpace) || tunnelId.Contains('/', StringComparison.Ordinal)))
        {
            errors.Add($"--tunnel-id / TUNNEL_ID \"{tunnelId}\" is not a tunnel ID: use the tnl_... value from the Console");
        }

        var output = BindOutput(line, host, errors);
        var certDuration = BindDuration(line, Flags.CertDuration, DefaultCertDuration, positive: true, errors);
        var keyType = BindKeyType(line, errors);
        var identity = WorkloadIdentitySettings.Bind(host, errors);
        ThrowIfAny(errors);
        return new InitSettings(apiUrl!, tunnelId, output!, certDuration, line.Get(Flags.TokenVersion), keyType, identity!);
    }

    public static RenewCertSettings BindRenewCert(ParsedCommandLine line, SetupHost host)
    {
        var errors = new List<string>();
        var output = BindOutput(line, host, errors);
        var certDuration = BindDuration(line, Flags.CertDuration, DefaultCertDuration, positive: true, errors);
        var renewBefore = BindDuration(line, Flags.RenewBefore, TimeSpan.Zero, positive: false, errors);
        var keyType = BindKeyType(line, errors);
        ThrowIfAny(errors);
        return new RenewCertSettings(output!, certDuration, renewBefore, keyType);
    }

    private static Uri? BindApiUrl(string? text, List<string> errors)
    {
        if (text is null)
        {
            errors.Add("--api-url is required: pass --api-url=https://api.anthropic.com or set API_URL");
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"--api-url / API_URL \"{text}\" is not an http(s) URL: use https://api.anthropic.com");
            return null;
        }

        // The identity JWT and the access token travel in these requests: cleartext only to this machine.
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            errors.Add($"--api-url / API_URL \"{text}\" uses plain http: use https (http is accepted only for a loopback test server)");
            return null;
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/", UriKind.Absolute);
    }

    private static OutputDestination? BindOutput(ParsedCommandLine line, SetupHost host, List<string> errors)
    {
        var text = line.Get(Flags.Output);
        if (text is null)
        {
            if (KubernetesEnvironment.IsInPod(host))
            {
                return new KubernetesSecretDestination(OutputDestination.DefaultSecretName);
            }

            errors.Add("--output is required outside a Kubernetes pod: pass --output=dir:/path (Compose: --output=dir:/data) or --output=k8s-secret:NAME");
            return null;
        }

        if (!OutputDestination.TryParse(text, out var destination, out var error))
        {
            errors.Add(error!);
        }

        return destination;
    }

    private static TimeSpan BindDuration(ParsedCommandLine line, string flag, TimeSpan fallback, bool positive, List<string> errors)
    {
        var text = line.Get(flag);
        if (text is null)
        {
            return fallback;
        }

        if (!GoDuration.TryParse(text, out var value, out var error))
        {
            errors.Add($"--{flag}: {error}: use a Go duration such as 2160h or 720h");
            return fallback;
        }

        if (value < TimeSpan.Zero || (positive && value == TimeSpan.Zero))
        {
            errors.Add($"--{flag}={text} must be {(positive ? "positive" : "zero or positive")}: use a Go duration such as 2160h or 720h");
        }

        return value;
    }

    private static KeyAlgorithm? BindKeyType(ParsedCommandLine line, List<string> errors)
    {
        var text = line.Get(Flags.KeyType);
        if (text is null)
        {
            return null;
        }

        if (!KeyAlgorithms.TryParse(text, out var algorithm))
        {
            errors.Add($"--key-type \"{text}\" is not supported: use {string.Join(", ", KeyAlgorithms.Flags)}");
            return null;
        }

        return algorithm;
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
