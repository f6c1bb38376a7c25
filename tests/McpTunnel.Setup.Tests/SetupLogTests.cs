namespace McpTunnel.Setup.Tests;

public sealed class SetupLogTests
{
    [Fact]
    public void Line_ContainingARegisteredSecret_IsRedacted()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var log = new SetupLog(output, error);
        log.RegisterSecret("sk-ant-oat01-abcdef0123456789");

        log.Info("token sk-ant-oat01-abcdef0123456789 in a message");
        log.Failure("server said: sk-ant-oat01-abcdef0123456789", "fix sk-ant-oat01-abcdef0123456789");

        Assert.Equal("token [redacted] in a message" + Environment.NewLine, output.ToString());
        Assert.DoesNotContain("sk-ant-oat01-abcdef", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("fix: fix [redacted]", error.ToString(), StringComparison.Ordinal);
    }
}
