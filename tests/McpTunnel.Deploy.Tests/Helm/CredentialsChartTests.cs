using McpTunnel.Deploy.Tests.Support;

namespace McpTunnel.Deploy.Tests.Helm;

/// <summary>
/// gateway.credentials: each route's Secret key is mounted read-only as a whole volume (no subPath, so a rotated Secret
/// reaches the pod), and the proxy's config names exactly that file under upstream.credentials, beside the other
/// upstream settings; the value itself never enters the ConfigMap.
/// </summary>
public sealed class CredentialsChartTests : IDisposable
{
    private readonly string _values = Path.Combine(Path.GetTempPath(), $"mcptunnel-credentials-{Guid.NewGuid():N}.yaml");

    public CredentialsChartTests() => File.WriteAllText(_values, """
        gateway:
          credentials:
            echo:
              secretName: echo-token
              prefix: "Bearer "
            full.example.com:
              secretName: api-key
              key: api-key
              header: X-API-Key
              callerAuthorization: strip
          config:
            routes:
              full.example.com: http://api.default.svc.cluster.local:8080
        """);

    public void Dispose() => File.Delete(_values);

    [Theory]
    [InlineData("managed")]
    [InlineData("external")]
    public void Credentials_MountEachSecretKey_WhereTheConfigReadsIt(string scenario)
    {
        var m = ChartRenderer.RenderScenario(scenario, "-f", _values);
        var config = Containers.ConfigYaml(m);
        var pod = Containers.Pod(m);
        var mounts = Containers.Proxy(m).Arr("volumeMounts");

        Assert.Equal("Bearer ", config.Str("upstream.credentials.echo.prefix"));
        Assert.Null(config.At("upstream.credentials.echo.header"));
        Assert.Equal("X-API-Key", config.At("upstream.credentials")!.AsObject()["full.example.com"].Str("header"));
        Assert.Equal("strip", config.At("upstream.credentials")!.AsObject()["full.example.com"].Str("caller_authorization"));
        foreach (var (route, secret, key) in new[] { ("echo", "echo-token", "token"), ("full.example.com", "api-key", "api-key") })
        {
            var file = config.At("upstream.credentials")!.AsObject()[route].Str("value_file")!;
            var mount = mounts.Single(x => x.Str("mountPath") == Path.GetDirectoryName(file));
            Assert.Equal("true", mount.Str("readOnly"));
            Assert.Null(mount.At("subPath"));
            var volume = pod.Arr("volumes").Named(mount.Str("name")!);
            Assert.Equal(secret, volume.Str("secret.secretName"));
            var item = Assert.Single(volume.Arr("secret.items"));
            Assert.Equal(key, item.Str("key"));
            Assert.Equal(Path.GetFileName(file), item.Str("path"));
            Assert.Equal("0440", volume.Str("secret.defaultMode")); // as written; the API server reads YAML 1.1 octal (ChartValidityTests): the pod's fsGroup reads it, nobody else
        }
    }

    [Fact]
    public void Credentials_KeepTheOtherUpstreamSettings()
    {
        var config = Containers.ConfigYaml(ChartRenderer.RenderScenario("external", "-f", _values));

        Assert.Equal(["10.0.0.0/8"], config.Strings("upstream.allowed_ips"));
        Assert.Equal("http://hello-mcp.default.svc.cluster.local:9000", config.Str("routes.echo"));
    }

    [Fact]
    public void NoCredentials_NoCredentialVolumes_NoCredentialsKey()
    {
        var m = ChartRenderer.RenderScenario("external");

        Assert.DoesNotContain(Containers.Pod(m).Arr("volumes"), v => v!.Str("name")!.StartsWith("credential-", StringComparison.Ordinal));
        Assert.Null(Containers.ConfigYaml(m).At("upstream.credentials"));
    }

    [Fact]
    public void CredentialWithoutSecretName_FailsNamingIt()
    {
        var result = ChartRenderer.Render("-f", ChartRenderer.Scenario("external"), "--set", "gateway.credentials.echo.key=token");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("gateway.credentials.echo.secretName is required", result.Stderr, StringComparison.Ordinal);
    }
}
