using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration.Sections;

/// <summary>
/// <c>upstream.credentials</c>: the file is read at load with the rules the running proxy re-reads it with; every
/// problem names <c>upstream.credentials.&lt;route&gt;.&lt;key&gt;</c> and its fix, and no message ever holds the file's content.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CredentialsSectionTests : ConfigTestBase
{
    private const string Secret = "tok-9f2c41d7e8a5b3";

    private string Yaml(string entry) =>
        $"listen_addr: \":8080\"\ntunnel_domain: t.example.com\n{Tls}routes:\n  tickets: http://10.0.0.5:9000\n  search: http://10.0.0.6:9000\nupstream:\n  credentials:\n    tickets:\n{string.Join("\n", entry.Split('\n').Select(l => "      " + l))}\n";

    private string SecretFile(string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(Dir, $"secret-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(content));
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void ValueFileWithPrefix_ReadsOneLine_TrailingNewlineDropped_DefaultsToAuthorizationReplaced()
    {
        var file = SecretFile(Secret + "\n");

        var loaded = Parse(Yaml($"value_file: {file}\nprefix: \"Bearer \""));

        var credential = loaded.Config.Routes.Single(r => r.Key == "tickets").Credential!;
        Assert.Equal("Authorization", credential.Header);
        Assert.Equal(CallerAuthorization.Replace, credential.CallerAuthorization);
        Assert.Equal("Bearer " + Secret, credential.Value.Reveal());
        Assert.Null(loaded.Config.Routes.Single(r => r.Key == "search").Credential);
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void OtherHeader_DefaultsToPassingTheCallersAuthorization_CrLfTrimmed()
    {
        var file = SecretFile(Secret + "\r\n");

        var credential = Parse(Yaml($"value_file: {file}\nheader: X-API-Key")).Config.Routes[0].Credential!;

        Assert.Equal("X-API-Key", credential.Header);
        Assert.Equal(CallerAuthorization.Pass, credential.CallerAuthorization);
        Assert.Equal(Secret, credential.Value.Reveal());
    }

    [Fact]
    public void SecretValue_NeverPrintedByTheRecordsThatHoldIt()
    {
        var file = SecretFile(Secret);

        var config = Parse(Yaml($"value_file: {file}\nheader: X-API-Key\ncaller_authorization: strip")).Config;

        Assert.DoesNotContain(Secret, config.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, config.Routes[0].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, config.Routes[0].Credential!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, config.Routes[0].Credential!.Describe(), StringComparison.Ordinal);
        Assert.Equal($"(secret, {Secret.Length} bytes)", config.Routes[0].Credential!.Value.ToString());
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "", "is empty", "write the token" },
        { "\n\r\n", "is empty", "write the token" },
        { Secret + "\nsecond-line", "line break inside the value (byte 19)", "one line" },
        { Secret[..4] + "\r" + Secret[4..], "line break inside the value (byte 5)", "one line" },
        { Secret + "\0", "not printable ASCII (byte 19)", "NUL" },
        { Secret + "\u00e9", "not printable ASCII", "printable ASCII" },
        { " " + Secret, "starts or ends with a space", "prefix" },
        { Secret + "\t\n", "starts or ends with a space", "remove the spaces" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFileContent_IsALoadError_NamingValueFile_WithoutTheContent(string content, string message, string fix)
    {
        var file = SecretFile(content);

        var error = Assert.Single(ParseFails(Yaml($"value_file: {file}")).Errors);

        Assert.Equal("upstream.credentials.tickets.value_file", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret[..8], error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsALoadError_InGoWords_WithTheFix()
    {
        var missing = Path.Combine(Dir, "nope");

        var error = Assert.Single(ParseFails(Yaml($"value_file: {missing}")).Errors);

        Assert.Equal("upstream.credentials.tickets.value_file", error.Field);
        Assert.Equal($"open {missing}: no such file or directory", error.Message);
        Assert.Contains("mount", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLargeFile_IsALoadError()
    {
        var file = SecretFile(new string('a', CredentialFile.MaxBytes + 1));

        var error = Assert.Single(ParseFails(Yaml($"value_file: {file}")).Errors);

        Assert.Contains($"more than {CredentialFile.MaxBytes} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoValueFile_IsRequired()
    {
        var error = Assert.Single(ParseFails(Yaml("header: X-API-Key")).Errors);

        Assert.Equal("upstream.credentials.tickets.value_file", error.Field);
        Assert.Equal("is required", error.Message);
    }

    [Theory]
    [InlineData("header: Authorization\ncaller_authorization: pass", "caller_authorization", "pass cannot apply")]
    [InlineData("caller_authorization: pass", "caller_authorization", "pass cannot apply")]
    [InlineData("header: X-API-Key\ncaller_authorization: replace", "caller_authorization", "replace puts the credential")]
    [InlineData("caller_authorization: drop", "caller_authorization", "is not one of pass, strip, replace")]
    [InlineData("header: Host", "header", "set by the proxy")]
    [InlineData("header: x_forwarded_for", "header", "set by the proxy")]
    [InlineData("header: Content-MD5", "header", "set by the proxy")]
    [InlineData("header: Mcp-Session-Id", "header", "set by the proxy")]
    [InlineData("header: \"X API Key\"", "header", "is not a header name")]
    [InlineData("header: \"X-Key:\"", "header", "is not a header name")]
    [InlineData("prefix: \" Bearer\"", "prefix", "starts with a space")]
    [InlineData("prefix: \"Bearer\\r\\n\"", "prefix", "cannot be in a header value")]
    public void ContradictoryOrUnsendableSettings_AreLoadErrors_NamingTheField(string settings, string key, string message)
    {
        var file = SecretFile(Secret);

        var error = Assert.Single(ParseFails(Yaml($"value_file: {file}\n{settings}")).Errors);

        Assert.Equal($"upstream.credentials.tickets.{key}", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Fix);
    }

    [Theory]
    [InlineData("strip", "Strip")]
    [InlineData("replace", "Replace")]
    public void AuthorizationHeader_TakesStripOrReplace(string mode, string expectedName)
    {
        var expected = Enum.Parse<CallerAuthorization>(expectedName);
        var file = SecretFile(Secret);

        var credential = Parse(Yaml($"value_file: {file}\ncaller_authorization: {mode}")).Config.Routes[0].Credential!;

        Assert.Equal(expected, credential.CallerAuthorization);
    }

    [Fact]
    public void KeyThatIsNoRoute_IsAnError_ListingTheRoutes()
    {
        var file = SecretFile(Secret);
        var yaml = $"listen_addr: \":8080\"\ntunnel_domain: t.example.com\n{Tls}routes:\n  tickets: http://10.0.0.5:9000\nupstream:\n  credentials:\n    tikets:\n      value_file: {file}\n";

        var error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("upstream.credentials.tikets", error.Field);
        Assert.Contains("(tickets)", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void EntryThatIsNoMapping_IsAnError()
    {
        var yaml = $"listen_addr: \":8080\"\ntunnel_domain: t.example.com\n{Tls}routes:\n  tickets: http://10.0.0.5:9000\nupstream:\n  credentials:\n    tickets: /run/secrets/x\n";

        var error = Assert.Single(ParseFails(yaml).Errors);

        Assert.Equal("upstream.credentials.tickets", error.Field);
        Assert.Contains("value_file", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void WorldReadableFile_Warns_NamingTheFieldAndTheFix_ButLoads()
    {
        var file = SecretFile(Secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var loaded = Parse(Yaml($"value_file: {file}"));

        var warning = Assert.Single(loaded.Warnings);
        Assert.StartsWith("upstream.credentials.tickets.value_file: ", warning, StringComparison.Ordinal);
        Assert.Contains("mode 0644", warning, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {file}", warning, StringComparison.Ordinal);
        Assert.NotNull(loaded.Config.Routes[0].Credential);
    }

    [Fact]
    public void GroupReadableFile_ThroughASymlink_DoesNotWarn()
    {
        // Kubernetes mounts a Secret's key as a symbolic link into ..data/; the mode that counts is the target's.
        var file = SecretFile(Secret, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        var link = Path.Combine(Dir, "token");
        File.CreateSymbolicLink(link, file);

        var loaded = Parse(Yaml($"value_file: {link}"));

        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void UnknownKey_Warns()
    {
        var file = SecretFile(Secret);

        var loaded = Parse(Yaml($"value_file: {file}\nvalue: inline"));

        Assert.Contains(loaded.Warnings, w => w.Contains("upstream.credentials.tickets.value", StringComparison.Ordinal));
    }
}
