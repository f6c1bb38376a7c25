using System.CommandLine;
using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Commands;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Tests.Commands;

/// <summary>
/// Every way the docs, the spec, the Compose file, the Helm chart and the README invoke setup, parsed by the
/// System.CommandLine tree: the same command and typed flag values whatever the spelling (<c>--name=value</c>,
/// <c>--name value</c>, <c>-name=value</c>, <c>-name value</c>, flags before the subcommand, <c>help</c>).
/// Values are shown as their typed option holds them: the URL normalised, the destination parsed, durations
/// in hours, the key type by its flag name.
/// </summary>
public sealed class DocumentedInvocationTests
{
    public static TheoryData<string, string[], string?, string> Invocations() => new()
    {
        // Compose programmatic example: command: [init, --api-url=…, --output=dir:/data, --token-version=1].
        { "compose init", ["init", "--api-url=https://api.anthropic.com", "--output=dir:/data", "--token-version=1"], "init", "api-url=https://api.anthropic.com/ output=dir:/data token-version=1" },
        // Compose renewal: docker compose run --rm setup renew-cert --output=dir:/data [--renew-before=720h].
        { "compose renew", ["renew-cert", "--output=dir:/data"], "renew-cert", "output=dir:/data" },
        { "compose renew window", ["renew-cert", "--output=dir:/data", "--renew-before=720h"], "renew-cert", "output=dir:/data renew-before=720h" },
        // Helm setup Job and cert-renew CronJob arguments.
        { "helm init", ["init", "--api-url=https://api.anthropic.com", "--output=k8s-secret:mcp-tunnel", "--token-version=1", "--cert-duration=2160h", "--tunnel-id=tnl_01"], "init", "api-url=https://api.anthropic.com/ cert-duration=2160h output=k8s-secret:mcp-tunnel token-version=1 tunnel-id=tnl_01" },
        { "helm renew", ["renew-cert", "--output=k8s-secret:mcp-tunnel", "--renew-before=720h", "--cert-duration=2160h"], "renew-cert", "cert-duration=2160h output=k8s-secret:mcp-tunnel renew-before=720h" },
        // The four spellings of one flag (spec: --name=value, also --name value; Go: -name).
        { "gnu separate", ["renew-cert", "--output", "dir:/data"], "renew-cert", "output=dir:/data" },
        { "go equals", ["renew-cert", "-output=dir:/data"], "renew-cert", "output=dir:/data" },
        { "go separate", ["renew-cert", "-output", "dir:/data"], "renew-cert", "output=dir:/data" },
        { "mixed", ["renew-cert", "-output", "dir:/data", "--renew-before", "720h", "-cert-duration=1h"], "renew-cert", "cert-duration=1h output=dir:/data renew-before=720h" },
        // Flags before the subcommand, as Go's flag package and `setup [flags] <command>` allow.
        { "flags first", ["--output=dir:/data", "renew-cert"], "renew-cert", "output=dir:/data" },
        { "flags around", ["--api-url", "https://api.anthropic.com", "init", "-token-version", "2"], "init", "api-url=https://api.anthropic.com/ token-version=2" },
        // A value that looks like a command or holds '=' and ':' stays a value.
        { "value like a command", ["init", "--token-version", "init", "--output=dir:/data"], "init", "output=dir:/data token-version=init" },
        { "value with equals", ["init", "--tunnel-id=tnl_a=b"], "init", "tunnel-id=tnl_a=b" },
        { "key type", ["renew-cert", "--key-type=rsa4096", "--output=dir:/data"], "renew-cert", "key-type=rsa4096 output=dir:/data" },
        // No subcommand: SetupApp says "no command given".
        { "nothing", [], null, "" },
    };

    [Theory]
    [MemberData(nameof(Invocations))]
    public void Parse_DocumentedInvocation_GivesTheCommandAndValues(string form, string[] args, string? command, string flags)
    {
        var line = CommandLineParser.Parse(args);

        Assert.True(command == line.Command, form);
        Assert.Equal(flags, Describe(line));
        Assert.False(line.HelpRequested);
        Assert.False(line.VersionRequested);
    }

    /// <summary>Each given flag as <c>name=value</c>, the value read back through its typed option.</summary>
    private static string Describe(ParsedCommandLine line) => string.Join(' ', line.Options.All
        .Where(f => !f.IsSwitch && line.Given(f.Option))
        .OrderBy(f => f.Name, StringComparer.Ordinal)
        .Select(f => $"{f.Name}={Show(line, f.Option)}"));

    private static string Show(ParsedCommandLine line, Option option) => option switch
    {
        Option<Uri> uri => line.GetValue(uri).ToString(),
        Option<OutputDestination> output => line.GetValue(output) switch
        {
            DirectoryDestination directory => $"dir:{directory.Path}",
            KubernetesSecretDestination secret => $"k8s-secret:{secret.Name}",
            var other => other.ToString(),
        },
        Option<TimeSpan> duration => $"{line.GetValue(duration).TotalHours}h",
        Option<KeyAlgorithm> keyType => KeyAlgorithms.ToFlag(line.GetValue(keyType)),
        Option<string> text => line.GetValue(text),
        _ => throw new InvalidOperationException($"no rendering for {option.Name}"),
    };

    [Theory]
    [InlineData(null, "--help")]
    [InlineData(null, "-help")]
    [InlineData(null, "-h")]
    [InlineData(null, "help")]
    [InlineData("init", "init", "--help")]
    [InlineData("init", "--help", "init")]
    [InlineData("init", "help", "init")]
    [InlineData("renew-cert", "renew-cert", "-h")]
    public void Parse_HelpInEveryForm_AsksForHelpOnTheCommand(string? command, params string[] args)
    {
        var line = CommandLineParser.Parse(args);

        Assert.True(line.HelpRequested);
        Assert.Equal(command, line.Command);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-version")]
    public void Parse_VersionInEitherForm_AsksForTheVersion(string flag) =>
        Assert.True(CommandLineParser.Parse([flag]).VersionRequested);

    [Theory]
    [InlineData("unknown flag --tunnel", "init", "--tunnel=tnl_1")]
    [InlineData("unknown flag --bogus", "-bogus", "renew-cert")]
    [InlineData("flag --output has an empty value", "renew-cert", "--output=")]
    [InlineData("flag --output is given 2 times", "renew-cert", "--output=dir:/a", "-output", "dir:/b")]
    [InlineData("unexpected argument \"extra\" after command renew-cert", "renew-cert", "extra")]
    [InlineData("unexpected argument \"@args.txt\" after command init", "init", "@args.txt")]
    public void Parse_WrongInvocation_IsAUsageErrorInOurWords(string expected, params string[] args)
    {
        var error = Assert.Throws<SetupException>(() => CommandLineParser.Parse(args));

        Assert.Equal(2, error.ExitCode);
        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain("System.", error.Message + error.Fix, StringComparison.Ordinal);
    }
}
