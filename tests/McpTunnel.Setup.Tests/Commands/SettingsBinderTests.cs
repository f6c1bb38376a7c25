using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Commands;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Tests.Commands;

/// <summary>
/// The typed flag values bound into init's and renew-cert's settings: a flag wins over its variable, the variable
/// over the default, the variable is read by the flag's own rule, and every problem of flags and environment is
/// reported at once in a fixed order.
/// </summary>
public sealed class SettingsBinderTests
{
    private static readonly Dictionary<string, string> Identity = new(StringComparer.Ordinal)
    {
        ["ANTHROPIC_FEDERATION_RULE_ID"] = "fdrl_1",
        ["ANTHROPIC_ORGANIZATION_ID"] = "org",
        ["ANTHROPIC_IDENTITY_TOKEN"] = "token",
    };

    private static readonly Dictionary<string, string> NoVariables = new(StringComparer.Ordinal);

    [Fact]
    public void BindInit_DocumentedComposeInvocation_GivesTypedSettings()
    {
        var settings = SettingsBinder.BindInit(
            CommandLineParser.Parse(["init", "--api-url=https://api.anthropic.com", "--output=dir:/data", "--token-version=1"]),
            Host(Identity));

        Assert.Equal(new Uri("https://api.anthropic.com/"), settings.ApiUrl);
        Assert.Equal(new DirectoryDestination("/data"), settings.Output);
        Assert.Equal("1", settings.TokenVersion);
        Assert.Equal(TimeSpan.FromHours(2160), settings.CertDuration);
        Assert.Null(settings.TunnelId);
        Assert.Null(settings.KeyType);
    }

    [Fact]
    public void BindInit_FlagsAndVariablesBoth_FlagsWin()
    {
        var settings = SettingsBinder.BindInit(
            CommandLineParser.Parse(["init", "--api-url=https://flag.example", "--tunnel-id=tnl_flag", "--output=k8s-secret:release"]),
            Host(Identity, ("API_URL", "https://variable.example"), ("TUNNEL_ID", "tnl_variable")));

        Assert.Equal(new Uri("https://flag.example/"), settings.ApiUrl);
        Assert.Equal("tnl_flag", settings.TunnelId);
        Assert.Equal(new KubernetesSecretDestination("release"), settings.Output);
    }

    [Fact]
    public void BindInit_VariablesWithoutFlags_AreReadByTheFlagsRules()
    {
        var settings = SettingsBinder.BindInit(
            CommandLineParser.Parse(["init", "--output=dir:/data", "--key-type=rsa4096", "--cert-duration=24h"]),
            Host(Identity, ("API_URL", "https://variable.example/v1/"), ("TUNNEL_ID", "tnl_variable")));

        Assert.Equal(new Uri("https://variable.example/v1/"), settings.ApiUrl);
        Assert.Equal("tnl_variable", settings.TunnelId);
        Assert.Equal(KeyAlgorithm.Rsa4096, settings.KeyType);
        Assert.Equal(TimeSpan.FromHours(24), settings.CertDuration);
    }

    [Fact]
    public void BindInit_BadFlagValuesAndBadVariables_ListsEveryProblemInFlagOrder()
    {
        var line = CommandLineParser.Parse(["init", "--output=zz", "--cert-duration=0", "--key-type=x"]);

        var error = Assert.Throws<SetupException>(() => SettingsBinder.BindInit(line, Host(NoVariables, ("API_URL", "ftp://x"), ("TUNNEL_ID", "a/b"))));

        Assert.Equal(2, error.ExitCode);
        Assert.Equal(
            [
                "8 problems with the command line or environment:",
                "  - --api-url / API_URL \"ftp://x\" is not an http(s) URL: use https://api.anthropic.com",
                "  - --tunnel-id / TUNNEL_ID \"a/b\" is not a tunnel ID: use the tnl_... value from the Console",
                "  - invalid --output \"zz\": expected dir:/path or k8s-secret:NAME",
                "  - --cert-duration=0 must be positive: use a Go duration such as 2160h or 720h",
                "  - --key-type \"x\" is not supported: use ecdsa-p256, rsa2048, rsa4096",
                "  - ANTHROPIC_FEDERATION_RULE_ID is not set: set it to the federation rule ID (fdrl_...) shown in the Console",
                "  - ANTHROPIC_ORGANIZATION_ID is not set: set it to your organization's UUID",
                "  - neither ANTHROPIC_IDENTITY_TOKEN_FILE nor ANTHROPIC_IDENTITY_TOKEN is set: set exactly one (in Kubernetes, the projected service-account token file)",
            ],
            error.Message.Split(Environment.NewLine));
    }

    [Fact]
    public void BindInit_NoApiUrlAnywhere_SaysItIsRequired()
    {
        var error = Assert.Throws<SetupException>(() => SettingsBinder.BindInit(CommandLineParser.Parse(["init", "--output=dir:/data"]), Host(Identity)));

        Assert.Equal("--api-url is required: pass --api-url=https://api.anthropic.com or set API_URL", error.Message);
    }

    [Fact]
    public void BindRenewCert_HelmInvocation_GivesTypedSettings()
    {
        var settings = SettingsBinder.BindRenewCert(
            CommandLineParser.Parse(["renew-cert", "--output=k8s-secret:mcp-tunnel", "--renew-before=720h", "--cert-duration=2160h"]),
            Host(NoVariables));

        Assert.Equal(new KubernetesSecretDestination("mcp-tunnel"), settings.Output);
        Assert.Equal(TimeSpan.FromHours(720), settings.RenewBefore);
        Assert.Equal(TimeSpan.FromHours(2160), settings.CertDuration);
    }

    [Fact]
    public void BindRenewCert_NoFlagsInAPod_DefaultsToTheDocumentedSecretAndAlwaysRenews()
    {
        var settings = SettingsBinder.BindRenewCert(CommandLineParser.Parse(["renew-cert"]), Host(NoVariables, ("KUBERNETES_SERVICE_HOST", "10.0.0.1")));

        Assert.Equal(new KubernetesSecretDestination("mcp-tunnel"), settings.Output);
        Assert.Equal(TimeSpan.Zero, settings.RenewBefore);
        Assert.Equal(TimeSpan.FromHours(2160), settings.CertDuration);
    }

    [Theory]
    [InlineData("--renew-before=-1h", "--renew-before=-1h must be zero or positive: use a Go duration such as 2160h or 720h")]
    [InlineData("--cert-duration=90d", "--cert-duration: time: unknown unit \"d\" in duration \"90d\": use a Go duration such as 2160h or 720h")]
    public void BindRenewCert_BadDuration_NamesTheFlagAndTheFix(string flag, string expected)
    {
        var error = Assert.Throws<SetupException>(() => SettingsBinder.BindRenewCert(CommandLineParser.Parse(["renew-cert", "--output=dir:/data", flag]), Host(NoVariables)));

        Assert.Equal(expected, error.Message);
    }

    private static SetupHost Host(IReadOnlyDictionary<string, string> environment, params (string Name, string Value)[] more)
    {
        var all = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        foreach (var (name, value) in more)
        {
            all[name] = value;
        }

        return new SetupHost { Environment = all, Out = TextWriter.Null, Error = TextWriter.Null, ServiceAccountDirectory = "/nonexistent" };
    }
}
