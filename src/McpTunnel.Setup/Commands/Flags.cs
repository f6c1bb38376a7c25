namespace McpTunnel.Setup.Commands;

/// <summary>The documented flags of init and renew-cert, shared by the parser and the help text.</summary>
internal static class Flags
{
    public const string Init = "init";
    public const string RenewCert = "renew-cert";

    public const string ApiUrl = "api-url";
    public const string TunnelId = "tunnel-id";
    public const string Output = "output";
    public const string CertDuration = "cert-duration";
    public const string TokenVersion = "token-version";
    public const string RenewBefore = "renew-before";
    public const string KeyType = "key-type";
    public const string Help = "help";
    public const string Version = "version";

    public static IReadOnlyList<string> CommandNames { get; } = [Init, RenewCert];

    public static IReadOnlyList<FlagDefinition> All { get; } =
    [
        new(ApiUrl, [Init], "URL", "Claude API base URL, e.g. https://api.anthropic.com (required)", EnvironmentFallback: "API_URL"),
        new(TunnelId, [Init], "ID", "tnl_... of the tunnel to attach to (default: the stored one, else create a tunnel)", EnvironmentFallback: "TUNNEL_ID"),
        new(Output, [Init, RenewCert], "DEST", "dir:/path or k8s-secret:NAME (default in a Kubernetes pod: k8s-secret:mcp-tunnel)"),
        new(CertDuration, [Init, RenewCert], "DURATION", "server certificate validity, Go duration (default 2160h = 90 days)"),
        new(TokenVersion, [Init], "STRING", "change-detection string: a value different from the stored one rotates the tunnel token"),
        new(RenewBefore, [RenewCert], "DURATION", "skip renewal while the certificate has more than this left (default 0: always renew)"),
        new(KeyType, [Init, RenewCert], "TYPE", "server key: ecdsa-p256 (default: fast handshakes), rsa2048 or rsa4096 (the docs' choice)"),
        new(Help, [Init, RenewCert], string.Empty, "show help", IsSwitch: true),
        new(Version, [Init, RenewCert], string.Empty, "show the version", IsSwitch: true),
    ];

    public static FlagDefinition? Find(string name) =>
        name == "h" ? All.Single(f => f.Name == Help) : All.FirstOrDefault(f => f.Name == name);
}
