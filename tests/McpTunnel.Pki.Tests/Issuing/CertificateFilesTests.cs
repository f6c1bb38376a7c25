using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki.Issuing;

namespace McpTunnel.Pki.Tests.Issuing;

public sealed class CertificateFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mcptunnel-certfiles-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ThrowawayCaAndServerCertificate_AreWrittenLoadableWithTheKeyReadableByItsOwnerOnly()
    {
        using var ca = CertificateAuthority.Create();

        var caFile = ca.WriteCertificate(Path.Combine(_directory, "ca.crt"));
        var (certFile, keyFile) = ca.WriteServerCertificate(_directory, "abcd.tunnel.test", KeyAlgorithm.Rsa2048, "server");

        Assert.Equal(Path.Combine(_directory, "server.crt"), certFile);
        using var server = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        Assert.True(server.HasPrivateKey);
        Assert.NotNull(server.GetRSAPrivateKey());
        Assert.True(server.MatchesHostname("echo.abcd.tunnel.test"));
        using var root = X509CertificateLoader.LoadCertificateFromFile(caFile);
        Assert.Equal(root.Subject, server.Issuer);
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix modes to check
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(caFile));
    }
}
