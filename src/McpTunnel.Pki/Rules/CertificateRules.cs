using McpTunnel.Pki.Issuing;

namespace McpTunnel.Pki.Rules;

/// <summary>
/// The rules Anthropic applies to CA certificates (enforced by the Tunnels API at registration) and to server
/// certificates, checked by Anthropic during inner TLS). Ids are stable: tools and tests key on them.
/// </summary>
internal static class CertificateRules
{
    private const string RecreateCa = "Re-create the CA (setup init, or the docs' openssl recipe) and register the new one.";
    private const string ReissueServer = "Re-issue the server certificate from the registered CA (setup renew-cert, or openssl x509 -req -CA ca.crt -CAkey ca.key -extfile tls.ext).";

    public static readonly CertificateRule CaSingleCertificate = new(
        "ca.single-certificate", "Tunnels API: the CA PEM holds exactly one certificate",
        "Upload the CA certificate (ca.crt) alone, not a chain or the server certificate.");

    public static readonly CertificateRule CaSize = new(
        "ca.size", $"Tunnels API: the CA PEM is at most 8 kB ({PkiDefaults.MaxCaPemBytes} bytes)",
        "Upload only the PEM block (openssl x509 -in ca.crt -out ca.pem drops text dumps); a CA with huge extensions must be re-created.");

    public static readonly CertificateRule CaNoPrivateKey = new(
        "ca.no-private-key", "Tunnels API: the CA PEM contains no private-key material",
        "Upload ca.crt only, never ca.key; if the key was sent anywhere, treat it as exposed and create a new CA.");

    public static readonly CertificateRule CaBasicConstraints = new(
        "ca.basic-constraints", "Tunnels API: BasicConstraints is present, CA:TRUE and critical",
        $"{RecreateCa} It needs basicConstraints=critical,CA:TRUE.");

    public static readonly CertificateRule CaSubjectKeyIdentifier = new(
        "ca.ski", "Tunnels API: SubjectKeyIdentifier is present",
        $"{RecreateCa} It needs subjectKeyIdentifier=hash.");

    public static readonly CertificateRule CaKeyUsage = new(
        "ca.key-usage", "Tunnels API: KeyUsage includes keyCertSign",
        $"{RecreateCa} It needs keyUsage=critical,keyCertSign,cRLSign.");

    public static readonly CertificateRule CaValidity = new(
        "ca.validity", "Tunnels API: the CA is inside its validity period",
        "Create a new CA, register it next to the old one, redeploy the proxy with a certificate it issued, then revoke the old CA.");

    public static readonly CertificateRule CaKeyStrength = new(
        "ca.key-strength", "Tunnels API: the key is RSA of 2048 bits or more, or ECDSA P-256 or stronger",
        $"{RecreateCa} Use an RSA key of 2048 bits or more, or an ECDSA P-256 (or P-384/P-521) key.");

    public static readonly CertificateRule CaSignatureHash = new(
        "ca.signature-hash", "Tunnels API: the CA is signed with SHA-256 or stronger",
        $"{RecreateCa} Sign it with -sha256 (or SHA-384/SHA-512).");

    public static readonly CertificateRule ServerSignedByCa = new(
        "server.signed-by-ca", "Inner TLS: the server certificate is signed by the registered CA",
        ReissueServer);

    public static readonly CertificateRule ServerNoIntermediate = new(
        "server.no-intermediate", "Inner TLS: signed directly by the CA, with no intermediates",
        "Issue the server certificate directly from the registered CA and put only that certificate in tls.crt (no intermediate certificates).");

    public static readonly CertificateRule ServerAkiMatchesSki = new(
        "server.aki-matches-ski", "Inner TLS: AuthorityKeyIdentifier is present and equals the CA's SubjectKeyIdentifier",
        $"{ReissueServer} The extension file needs authorityKeyIdentifier = keyid,issuer.");

    public static readonly CertificateRule ServerSan = new(
        "server.san", "Inner TLS: a SAN DNS name matches <route>.<tunnel-domain>; *.<tunnel-domain> covers every route",
        $"{ReissueServer} Use subjectAltName = DNS:<tunnel-domain>,DNS:*.<tunnel-domain>; the wildcard covers every route.");

    public static readonly CertificateRule ServerEku = new(
        "server.eku", "Inner TLS: if ExtendedKeyUsage is present, it includes serverAuth",
        $"{ReissueServer} Use extendedKeyUsage = serverAuth.");

    public static readonly CertificateRule ServerValidity = new(
        "server.validity", "Inner TLS: the server certificate is inside its validity period",
        "Renew it: setup renew-cert, or re-sign a CSR from the existing tls.key with the same CA, then let the proxy reload it.");

    public static readonly CertificateRule ServerKeyStrength = new(
        "server.key-strength", "Inner TLS: the key is RSA of 2048 bits or more, or ECDSA P-256 or stronger",
        $"{ReissueServer} Use a new key: RSA of 2048 bits or more, or ECDSA P-256 (setup --key-type=ecdsa-p256 or rsa4096).");

    public static readonly CertificateRule ServerSignatureHash = new(
        "server.signature-hash", "Inner TLS: the server certificate is signed with SHA-256 or stronger",
        $"{ReissueServer} Sign it with -sha256 (or SHA-384/SHA-512).");
}
