using McpTunnel.Pki.Issuing;

namespace McpTunnel.Pki.Rules;

/// <summary>
/// The rules of spec item 70 (CA certificates, enforced by the Tunnels API) and item 71 (server
/// certificates, checked by Anthropic during inner TLS). Ids are stable: tools and tests key on them.
/// </summary>
internal static class CertificateRules
{
    private const string RecreateCa = "Re-create the CA (setup init, or the docs' openssl recipe) and register the new one.";
    private const string ReissueServer = "Re-issue the server certificate from the registered CA (setup renew-cert, or openssl x509 -req -CA ca.crt -CAkey ca.key -extfile tls.ext).";

    public static readonly CertificateRule CaSingleCertificate = new(
        "ca.single-certificate", "Spec 70: the CA PEM holds exactly one certificate",
        "Upload the CA certificate (ca.crt) alone, not a chain or the server certificate.");

    public static readonly CertificateRule CaSize = new(
        "ca.size", $"Spec 70: the CA PEM is at most 8 kB ({PkiDefaults.MaxCaPemBytes} bytes)",
        "Upload only the PEM block (openssl x509 -in ca.crt -out ca.pem drops text dumps); a CA with huge extensions must be re-created.");

    public static readonly CertificateRule CaNoPrivateKey = new(
        "ca.no-private-key", "Spec 70: the CA PEM contains no private-key material",
        "Upload ca.crt only, never ca.key; if the key was sent anywhere, treat it as exposed and create a new CA.");

    public static readonly CertificateRule CaBasicConstraints = new(
        "ca.basic-constraints", "Spec 70: BasicConstraints is present, CA:TRUE and critical",
        $"{RecreateCa} It needs basicConstraints=critical,CA:TRUE.");

    public static readonly CertificateRule CaSubjectKeyIdentifier = new(
        "ca.ski", "Spec 70: SubjectKeyIdentifier is present",
        $"{RecreateCa} It needs subjectKeyIdentifier=hash.");

    public static readonly CertificateRule CaKeyUsage = new(
        "ca.key-usage", "Spec 70: KeyUsage includes keyCertSign",
        $"{RecreateCa} It needs keyUsage=critical,keyCertSign,cRLSign.");

    public static readonly CertificateRule CaValidity = new(
        "ca.validity", "Spec 70: the CA is inside its validity period",
        "Create a new CA, register it next to the old one, redeploy the proxy with a certificate it issued, then revoke the old CA.");

    public static readonly CertificateRule CaKeyStrength = new(
        "ca.key-strength", "Spec 70: the key is RSA of 2048 bits or more, or ECDSA P-256 or stronger",
        $"{RecreateCa} Use an RSA key of 2048 bits or more, or an ECDSA P-256 (or P-384/P-521) key.");

    public static readonly CertificateRule CaSignatureHash = new(
        "ca.signature-hash", "Spec 70: the CA is signed with SHA-256 or stronger",
        $"{RecreateCa} Sign it with -sha256 (or SHA-384/SHA-512).");

    public static readonly CertificateRule ServerSignedByCa = new(
        "server.signed-by-ca", "Spec 71: the server certificate is signed by the registered CA",
        ReissueServer);

    public static readonly CertificateRule ServerNoIntermediate = new(
        "server.no-intermediate", "Spec 71: signed directly by the CA, with no intermediates",
        "Issue the server certificate directly from the registered CA and put only that certificate in tls.crt (no intermediate certificates).");

    public static readonly CertificateRule ServerAkiMatchesSki = new(
        "server.aki-matches-ski", "Spec 71: AuthorityKeyIdentifier is present and equals the CA's SubjectKeyIdentifier",
        $"{ReissueServer} The extension file needs authorityKeyIdentifier = keyid,issuer.");

    public static readonly CertificateRule ServerSan = new(
        "server.san", "Spec 71: a SAN DNS name matches <route>.<tunnel-domain>; *.<tunnel-domain> covers every route",
        $"{ReissueServer} Use subjectAltName = DNS:<tunnel-domain>,DNS:*.<tunnel-domain>; the wildcard covers every route.");

    public static readonly CertificateRule ServerEku = new(
        "server.eku", "Spec 71: if ExtendedKeyUsage is present, it includes serverAuth",
        $"{ReissueServer} Use extendedKeyUsage = serverAuth.");

    public static readonly CertificateRule ServerValidity = new(
        "server.validity", "Spec 71: the server certificate is inside its validity period",
        "Renew it: setup renew-cert, or re-sign a CSR from the existing tls.key with the CA (spec 75), then let the proxy reload it.");

    public static readonly CertificateRule ServerKeyStrength = new(
        "server.key-strength", "Spec 71: the key is RSA of 2048 bits or more, or ECDSA P-256 or stronger",
        $"{ReissueServer} Use a new key: RSA of 2048 bits or more, or ECDSA P-256 (setup --key-type=ecdsa-p256 or rsa4096).");

    public static readonly CertificateRule ServerSignatureHash = new(
        "server.signature-hash", "Spec 71: the server certificate is signed with SHA-256 or stronger",
        $"{ReissueServer} Sign it with -sha256 (or SHA-384/SHA-512).");
}
