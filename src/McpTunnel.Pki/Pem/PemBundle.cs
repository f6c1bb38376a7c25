using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;

namespace McpTunnel.Pki.Pem;

/// <summary>
/// Reads PEM text the way operators hand it to us: several blocks, explanatory text between them
/// (<c>openssl x509 -text</c> output), Windows line endings.
/// </summary>
internal static class PemBundle
{
    /// <summary>Every well-formed PEM block, in order. Malformed blocks (bad base64) are skipped.</summary>
    public static IReadOnlyList<PemBlock> ReadBlocks(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var blocks = new List<PemBlock>();

        // "cat a.pem b.pem" of files without a final newline glues END and BEGIN lines together;
        // PEM parsers (ours and Go's) would then skip both blocks.
        var remaining = text.Replace("----------BEGIN ", "-----\n-----BEGIN ", StringComparison.Ordinal).AsMemory();
        while (PemEncoding.TryFind(remaining.Span, out var fields))
        {
            var span = remaining.Span;
            var label = span[fields.Label].ToString();
            var data = new byte[fields.DecodedDataLength];
            if (Convert.TryFromBase64Chars(span[fields.Base64Data], data, out var written))
            {
                blocks.Add(new PemBlock(label, data.AsMemory(0, written)));
            }

            remaining = remaining[fields.Location.End..];
        }

        return blocks;
    }

    /// <summary>
    /// Every CERTIFICATE block parsed, in order (leaf first for a chain file).
    /// Throws <see cref="CryptographicException"/> naming the block that is not a certificate.
    /// </summary>
    public static IReadOnlyList<X509Certificate2> ReadCertificates(string text)
    {
        var certificates = new List<X509Certificate2>();
        var index = 0;
        foreach (var block in ReadBlocks(text).Where(b => b.IsCertificate))
        {
            index++;
            try
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(block.Data.Span));
            }
            catch (CryptographicException ex)
            {
                foreach (var loaded in certificates)
                {
                    loaded.Dispose();
                }

                throw new CryptographicException($"PEM certificate block {index} is not a valid X.509 certificate: {ex.Message}", ex);
            }
        }

        return certificates;
    }

    /// <summary>The first certificate of a PEM text; throws a clear error when there is none.</summary>
    public static X509Certificate2 ReadFirstCertificate(string text, string what)
    {
        var certificates = ReadCertificates(text);
        if (certificates.Count == 0)
        {
            throw new CryptographicException($"The {what} PEM holds no \"-----BEGIN CERTIFICATE-----\" block.");
        }

        foreach (var extra in certificates.Skip(1))
        {
            extra.Dispose();
        }

        return certificates[0];
    }

    /// <summary>
    /// True when the text holds private-key material. Also looks for a bare BEGIN line so that a
    /// key block with broken base64 still counts: the point is never to upload a key by mistake.
    /// </summary>
    public static bool ContainsPrivateKey(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ReadBlocks(text).Any(b => b.IsPrivateKey)
            || (text.Contains("-----BEGIN ", StringComparison.Ordinal) && text.Contains("PRIVATE KEY-----", StringComparison.Ordinal));
    }
}
