using System.CommandLine;
using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// The documented flags of init and renew-cert as typed options: each value is read by its rule
/// (<see cref="FlagRules"/>) while parsing, so the settings are bound from typed values, and a value the rule
/// refuses carries the rule's message (collected with the environment's problems by <see cref="SettingsBinder"/>).
/// Each flag is spelled <c>--name</c> and, Go style, <c>-name</c>.
/// </summary>
internal sealed class SetupOptions
{
    public const string Init = "init";
    public const string RenewCert = "renew-cert";

    public static IReadOnlyList<string> CommandNames { get; } = [Init, RenewCert];

    public SetupOptions()
    {
        All =
        [
            new(ApiUrl, [Init], EnvironmentFallback: "API_URL"),
            new(TunnelId, [Init], EnvironmentFallback: "TUNNEL_ID"),
            new(Output, [Init, RenewCert]),
            new(CertDuration, [Init, RenewCert]),
            new(TokenVersion, [Init]),
            new(RenewBefore, [RenewCert]),
            new(KeyType, [Init, RenewCert]),
            new(Help, [Init, RenewCert]),
            new(Version, [Init, RenewCert]),
        ];
    }

    public Option<Uri> ApiUrl { get; } = Value<Uri>("api-url", "URL", "Claude API base URL, e.g. https://api.anthropic.com (required)", FlagRules.TryReadApiUrl);

    public Option<string> TunnelId { get; } = Value<string>("tunnel-id", "ID", "tnl_... of the tunnel to attach to (default: the stored one, else create a tunnel)", FlagRules.TryReadTunnelId);

    public Option<OutputDestination> Output { get; } = Value<OutputDestination>("output", "DEST", "dir:/path or k8s-secret:NAME (default in a Kubernetes pod: k8s-secret:mcp-tunnel)", FlagRules.TryReadOutput);

    public Option<TimeSpan> CertDuration { get; } = Value<TimeSpan>("cert-duration", "DURATION", "server certificate validity, Go duration (default 2160h = 90 days)", FlagRules.PositiveDuration("cert-duration"));

    public Option<string> TokenVersion { get; } = Value<string>("token-version", "STRING", "change-detection string: a value different from the stored one rotates the tunnel token", FlagRules.AnyText);

    public Option<TimeSpan> RenewBefore { get; } = Value<TimeSpan>("renew-before", "DURATION", "skip renewal while the certificate has more than this left (default 0: always renew)", FlagRules.ZeroOrPositiveDuration("renew-before"));

    public Option<KeyAlgorithm> KeyType { get; } = Value<KeyAlgorithm>("key-type", "TYPE", "server key: ecdsa-p256 (default: fast handshakes), rsa2048 or rsa4096 (the docs' choice)", FlagRules.TryReadKeyType);

    public Option<bool> Help { get; } = Switch("help", "show help", "-h");

    public Option<bool> Version { get; } = Switch("version", "show the version");

    /// <summary>Every flag in the order of the help text (and of the checks that report a problem with one).</summary>
    public IReadOnlyList<SetupFlag> All { get; }

    public SetupFlag? Find(string name) => name == "h" ? All.Single(f => f.Option == Help) : All.FirstOrDefault(f => f.Name == name);

    /// <summary>
    /// A flag that takes exactly one value, read by <paramref name="rule"/>. A missing or repeated value is not the
    /// rule's to judge: the parser reports those in its own words, so the rule only sees a single word.
    /// </summary>
    private static Option<T> Value<T>(string name, string valueName, string help, FlagRule<T> rule) => new("--" + name, "-" + name)
    {
        Arity = ArgumentArity.ExactlyOne,
        Recursive = true,
        HelpName = valueName,
        Description = help,
        CustomParser = result =>
        {
            if (result.Tokens.Count != 1)
            {
                return default!;
            }

            if (rule(result.Tokens[0].Value, out var value, out var error))
            {
                return value;
            }

            result.AddError(error!);
            return default!;
        },
    };

    private static Option<bool> Switch(string name, string help, params string[] moreAliases) => new("--" + name, ["-" + name, .. moreAliases])
    {
        Arity = ArgumentArity.Zero,
        Recursive = true,
        Description = help,
    };
}
