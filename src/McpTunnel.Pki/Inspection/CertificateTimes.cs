using System.Security.Cryptography.X509Certificates;
using McpTunnel.Pki.Issuing;

namespace McpTunnel.Pki.Inspection;

/// <summary>
/// <see cref="X509Certificate2"/> reports validity as local <see cref="DateTime"/>s; everything here
/// works in UTC <see cref="DateTimeOffset"/>s.
/// </summary>
internal static class CertificateTimes
{
    public static DateTimeOffset NotBefore(X509Certificate2 certificate) => ToUtc(certificate.NotBefore);

    public static DateTimeOffset NotAfter(X509Certificate2 certificate) => ToUtc(certificate.NotAfter);

    /// <summary>Default start of a new certificate: now minus the clock-skew margin, whole seconds.</summary>
    public static DateTimeOffset DefaultNotBefore()
    {
        var now = DateTimeOffset.UtcNow - PkiDefaults.ClockSkew;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static DateTimeOffset ToUtc(DateTime value) => new(value.ToUniversalTime(), TimeSpan.Zero);
}
