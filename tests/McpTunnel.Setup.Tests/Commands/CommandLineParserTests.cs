using McpTunnel.Setup.Commands;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Tests.Commands;

public sealed class CommandLineParserTests
{
    [Theory]
    [InlineData("--output=dir:/data")]
    [InlineData("--output", "dir:/data")]
    [InlineData("-output=dir:/data")]
    [InlineData("-output", "dir:/data")]
    public void Parse_EveryFlagSpelling_GivesTheSameValue(params string[] flag)
    {
        var line = CommandLineParser.Parse(["renew-cert", .. flag]);

        Assert.Equal("renew-cert", line.Command);
        Assert.Equal(new DirectoryDestination("/data"), line.GetValue(line.Options.Output));
    }

    [Fact]
    public void Parse_FlagsBeforeTheCommand_AreAccepted()
    {
        var line = CommandLineParser.Parse(["--api-url=https://api.anthropic.com", "init", "--token-version", "1"]);

        Assert.Equal("init", line.Command);
        Assert.Equal(new Uri("https://api.anthropic.com/"), line.GetValue(line.Options.ApiUrl));
        Assert.Equal("1", line.GetValue(line.Options.TokenVersion));
    }

    [Fact]
    public void Parse_UnknownFlag_IsAUsageErrorNamingIt()
    {
        var error = Assert.Throws<SetupException>(() => CommandLineParser.Parse(["init", "--tunnel=tnl_1"]));

        Assert.True(error.IsUsageError);
        Assert.Contains("--tunnel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FlagOfTheOtherCommand_SaysWhereItBelongs()
    {
        var error = Assert.Throws<SetupException>(() => CommandLineParser.Parse(["init", "--renew-before=720h"]));

        Assert.Contains("does not apply to init", error.Message, StringComparison.Ordinal);
        Assert.Contains("renew-cert", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FlagWithoutValue_IsAUsageError()
    {
        var error = Assert.Throws<SetupException>(() => CommandLineParser.Parse(["init", "--output"]));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("needs a value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownCommand_IsAUsageError()
    {
        var error = Assert.Throws<SetupException>(() => CommandLineParser.Parse(["renew"]));

        Assert.Contains("unknown command \"renew\"", error.Message, StringComparison.Ordinal);
    }
}
