using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// A loaded certificate/key pair ready for handshakes: the leaf, the chain sent after it (any further certificates in the PEM file, as given),
/// and the file contents hash that tells the poller whether anything changed.
/// </summary>
internal sealed class ServerCertificate
{
    private ServerCertificate(X509Certificate2 leaf, SslStreamCertificateContext context, string contentHash)
    {
        Leaf = leaf;
        Context = context;
        ContentHash = contentHash;
    }

    public X509Certificate2 Leaf { get; }

    public SslStreamCertificateContext Context { get; }

    public string ContentHash { get; }

    public static string HashContents(ReadOnlySpan<byte> certificate, ReadOnlySpan<byte> key)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(certificate);
        hash.AppendData([0]);
        hash.AppendData(key);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Builds from PEM bytes; throws <see cref="CryptographicException"/> with a reason when the pair is unusable.</summary>
    public static ServerCertificate FromPem(byte[] certificatePem, byte[] keyPem)
    {
        var certText = System.Text.Encoding.UTF8.GetString(certificatePem);
        var keyText = System.Text.Encoding.UTF8.GetString(keyPem);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certText);
        if (chain.Count == 0)
        {
            throw new CryptographicException("the certificate file holds no PEM certificate");
        }

        X509Certificate2 leaf;
        try
        {
            // CreateFromPem pairs the first certificate with the key and fails if the key does not match it.
            leaf = X509Certificate2.CreateFromPem(certText, keyText);
        }
        catch (ArgumentException ex)
        {
            throw new CryptographicException($"the key file holds no usable private key ({ex.Message})", ex);
        }
        catch (CryptographicException ex)
        {
            throw new CryptographicException($"the private key does not match the certificate or cannot be read ({ex.Message})", ex);
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        // offline: never fetch intermediates or revocation data from the network during a handshake.
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new ServerCertificate(leaf, context, HashContents(certificatePem, keyPem));
    }
}
