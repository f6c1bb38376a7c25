using System.Diagnostics;

namespace McpTunnel.Cli.Tests.Infrastructure;

/// <summary>
/// Certificates made by <c>/usr/bin/openssl</c>, the way operators make them from the docs' manual recipe,
/// with one knob turned per broken variant. Each CA gets an explicit extension section, so distro defaults
/// (and OpenSSL 3's automatic SKI/AKI) never decide what a test checks.
/// </summary>
internal sealed class OpenSsl(string directory)
{
    public const string DocsCaExtensions = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=none";

    public static string DocsServerExtensions(string domain) =>
        $"subjectAltName = DNS:{domain},DNS:*.{domain}\nauthorityKeyIdentifier = keyid,issuer\nextendedKeyUsage = serverAuth\nsubjectKeyIdentifier = none";

    public string Directory { get; } = directory;

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary><c>name.crt</c> and <c>name.key</c>: a self-signed CA with exactly <paramref name="extensions"/>.</summary>
    public string Ca(string name, string extensions = DocsCaExtensions, string key = "rsa:2048", string digest = "-sha256")
    {
        var config = WriteConfig($"{name}.cnf", name, extensions);
        Run("req", "-x509", "-newkey", key, "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.crt", "-days", "3650", digest, "-config", config);
        return PathOf($"{name}.crt");
    }

    /// <summary><c>name.crt</c>/<c>name.key</c>: a server certificate signed by <paramref name="ca"/> with the given extension file.</summary>
    public string Server(string name, string ca, string extensions, string key = "rsa:2048", string digest = "-sha256", int days = 90)
    {
        File.WriteAllText(PathOf($"{name}.ext"), extensions + "\n");
        Run("req", "-newkey", key, "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.csr", "-subj", $"/CN={name}");
        Run("x509", "-req", "-in", $"{name}.csr", "-CA", $"{ca}.crt", "-CAkey", $"{ca}.key", "-CAcreateserial", "-out", $"{name}.crt", "-days", days.ToString(), digest, "-extfile", $"{name}.ext");
        return PathOf($"{name}.crt");
    }

    private string WriteConfig(string fileName, string commonName, string extensions)
    {
        File.WriteAllText(PathOf(fileName), $"[req]\ndistinguished_name = dn\nx509_extensions = ext\nprompt = no\n[dn]\nCN = {commonName}\n[ext]\n{extensions}\n");
        return fileName;
    }

    public void Run(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/openssl", args)
        {
            WorkingDirectory = Directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {stderr.Result}");
        }
    }
}
