using McpTunnel.Common.Net;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Tests.Configuration.Sections;

public sealed class AdminAddressTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("admin-addr-").FullName;

    public AdminAddressTests()
    {
        File.WriteAllText(Path.Combine(_dir, "c"), "cert");
        File.WriteAllText(Path.Combine(_dir, "k"), "key");
    }

    private string Base => $"listen_addr: \":8080\"\ntunnel_domain: t.example\ntls:\n  cert_file: {_dir}/c\n  key_file: {_dir}/k\nroutes:\n  echo: http://10.0.0.1:9000\n";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AdminAddr_Absent_MeansNoAdminListener() =>
        Assert.Null(ProxyConfigLoader.Parse(Base).Config.AdminAddress);

    [Fact]
    public void AdminAddr_Set_IsReadWithoutWarning()
    {
        var loaded = ProxyConfigLoader.Parse(Base + "admin_addr: \"127.0.0.1:9090\"\n");

        Assert.Equal(new ListenAddress("127.0.0.1", 9090), loaded.Config.AdminAddress);
        Assert.DoesNotContain(loaded.Warnings, w => w.Contains("admin_addr", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\":8080\"", "port 8080 is also listen_addr's port")]
    [InlineData("\"9090\"", "is not host:port")]
    [InlineData("\"admin.local:9090\"", "is not an IP address")]
    public void AdminAddr_Invalid_FailsNamingTheFieldAndTheFix(string value, string problem)
    {
        var error = Assert.Throws<ProxyConfigException>(() => ProxyConfigLoader.Parse(Base + $"admin_addr: {value}\n"));

        Assert.Contains("admin_addr", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
