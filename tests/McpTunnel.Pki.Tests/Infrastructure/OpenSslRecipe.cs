using McpTunnel.Testing;

namespace McpTunnel.Pki.Tests.Infrastructure;

/// <summary>
/// The docs' manual openssl recipe (RSA 2048 CA and server certificate, SAN domain and wildcard), with hooks to vary the key, digest and extensions so
/// broken certificates are made exactly as an operator would make them by mistake.
/// </summary>
public sealed class OpenSslRecipe
{
    public const string CaExtensions = """
        basicConstraints = critical,CA:TRUE
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        """;

    private readonly TempDirectory _dir;

    public OpenSslRecipe(TempDirectory dir)
    {
        _dir = dir;
    }

    public static string ServerExtensions(string domain) => $"""
        subjectAltName = DNS:{domain},DNS:*.{domain}
        authorityKeyIdentifier = keyid,issuer
        extendedKeyUsage = serverAuth
        """;

    /// <summary><c>openssl genrsa</c> (PKCS#8 in OpenSSL 3) or, with <paramref name="traditional"/>, "RSA PRIVATE KEY".</summary>
    public string RsaKey(string name, int bits = 2048, bool traditional = false)
    {
        string[] args = traditional ? ["genrsa", "-traditional", "-out", name, bits.ToString()] : ["genrsa", "-out", name, bits.ToString()];
        OpenSsl.Run(_dir.Path, args);
        return _dir.File(name);
    }

    /// <summary><c>openssl ecparam -genkey</c>: "EC PARAMETERS" followed by "EC PRIVATE KEY".</summary>
    public string EcKey(string name, string curve = "prime256v1")
    {
        OpenSsl.Run(_dir.Path, "ecparam", "-name", curve, "-genkey", "-out", name);
        return _dir.File(name);
    }

    /// <summary>Self-signed CA: <c>openssl req -x509 -new -key ca.key -sha256 -days 3650</c> with the recipe's extensions.</summary>
    public string SelfSignedCa(string keyFile = "ca.key", string certFile = "ca.crt", string extensions = CaExtensions,
        string digest = "-sha256", string commonName = "mcp-tunnel-ca")
    {
        _dir.Write(certFile + ".cnf", $"""
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = {commonName}
            [v3_ca]
            {extensions}
            """);
        OpenSsl.Run(_dir.Path, "req", "-x509", "-new", "-key", keyFile, digest, "-days", "3650",
            "-config", certFile + ".cnf", "-extensions", "v3_ca", "-out", certFile);
        return _dir.Read(certFile);
    }

    /// <summary>
    /// CSR from <paramref name="keyFile"/> signed by the CA with an extension file:
    /// <c>openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 90 -sha256 -extfile tls.ext</c>.
    /// </summary>
    public string Sign(string keyFile, string commonName, string extensions, string certFile = "tls.crt",
        string caCert = "ca.crt", string caKey = "ca.key", string digest = "-sha256")
    {
        var csr = certFile + ".csr";
        var ext = certFile + ".ext";
        OpenSsl.Run(_dir.Path, "req", "-new", "-key", keyFile, "-subj", "/CN=" + commonName, "-out", csr);
        _dir.Write(ext, extensions);
        OpenSsl.Run(_dir.Path, "x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey, "-CAcreateserial",
            "-out", certFile, "-days", "90", digest, "-extfile", ext);
        return _dir.Read(certFile);
    }
}
