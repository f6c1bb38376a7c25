namespace McpTunnel.Pki.Tests.Infrastructure;

/// <summary>A scratch directory for openssl fixtures, removed when the test ends.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("mcptunnel-pki-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Read(string name) => System.IO.File.ReadAllText(File(name));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
