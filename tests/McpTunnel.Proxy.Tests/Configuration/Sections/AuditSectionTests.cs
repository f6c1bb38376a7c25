using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration.Sections;

/// <summary><c>audit:</c>: absent means no audit; each sink and option is read; every mistake names its field and fix.</summary>
public sealed class AuditSectionTests : ConfigTestBase
{
    [Fact]
    public void NoAuditSection_MeansNoAudit()
    {
        Assert.Null(Parse(Document()).Config.Audit);
        Assert.Null(Parse(Document("audit:")).Config.Audit);
    }

    [Fact]
    public void EverySetting_IsRead()
    {
        var path = Path.Combine(Dir, "audit.jsonl");
        var audit = Parse(Document($$"""
            audit:
              file: { path: {{path}}, max_size: 8MiB, max_age: 1h }
              stdout: true
              otlp: true
              arguments: redacted
              redact_keys: [pin]
              queue_size: 50
            """)).Config.Audit!;

        Assert.Equal(new AuditFileSettings(path) { MaxBytes = 8 * 1024 * 1024, MaxAge = TimeSpan.FromHours(1) }, audit.File);
        Assert.True(audit.Stdout && audit.Otlp);
        Assert.Equal(AuditArguments.Redacted, audit.Arguments);
        Assert.Equal(["pin"], audit.RedactKeys);
        Assert.Equal(50, audit.QueueSize);
    }

    [Theory]
    [InlineData("audit:\n  arguments: shapes", "audit", "no sink")]
    [InlineData("audit:\n  file: { max_size: 1MiB }", "audit.file.path", "missing")]
    [InlineData("audit:\n  file: { path: /nonexistent-dir-4411/audit.jsonl }", "audit.file.path", "does not exist")]
    [InlineData("audit:\n  stdout: true\n  arguments: all", "audit.arguments", "none, shapes, redacted")]
    [InlineData("audit:\n  stdout: true\n  queue_size: 0", "audit.queue_size", "1 to 1000000")]
    [InlineData("audit:\n  stdout: maybe", "audit.stdout", "boolean")]
    [InlineData("audit:\n  stdout: true\n  redact_keys: pin", "audit.redact_keys", "[]string")]
    public void Mistakes_NameTheFieldAndTheFix(string audit, string field, string message)
    {
        var error = Assert.Single(ParseFails(Document(audit)).Errors, e => e.Field == field);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Fix));
    }

    [Fact]
    public void SmallMaxSize_IsRefused()
    {
        var path = Path.Combine(Dir, "audit.jsonl");
        var error = Assert.Single(ParseFails(Document($"audit:\n  file: {{ path: {path}, max_size: 100 }}")).Errors);

        Assert.Equal("audit.file.max_size", error.Field);
    }
}
