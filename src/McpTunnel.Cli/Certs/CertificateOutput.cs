using McpTunnel.Common;

namespace McpTunnel.Cli.Certs;

/// <summary>
/// Writes certificate and key files atomically (temp + rename). Certificates are public (0644); keys are 0600.
/// An existing key is never replaced unless <c>force</c> is set: losing a registered CA's key or the proxy's
/// key is worse than an error.
/// </summary>
internal static class CertificateOutput
{
    public const UnixFileMode PublicMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Null when writing may go ahead; otherwise the error to print.</summary>
    public static string? RefuseOverwrite(bool force, params string[] paths)
    {
        if (force)
        {
            return null;
        }

        var existing = paths.Where(File.Exists).ToList();
        return existing.Count == 0
            ? null
            : $"{string.Join(" and ", existing)} already exist{(existing.Count == 1 ? "s" : "")}; not overwriting keys or certificates without --force";
    }

    public static void WriteCertificate(string path, string pem) => AtomicFile.WriteAllText(path, pem, PublicMode);

    public static void WriteKey(string path, string pem) => AtomicFile.WriteAllText(path, pem, AtomicFile.OwnerOnly);
}
