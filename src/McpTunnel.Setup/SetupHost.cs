using System.Collections;

namespace McpTunnel.Setup;

/// <summary>
/// Everything the program takes from the process it runs in: environment, output streams, clock and
/// the well-known Kubernetes service-account directory. Tests build one with their own values and run
/// the whole program in-process (no global state is read anywhere else).
/// </summary>
internal sealed record SetupHost
{
    /// <summary>Where Kubernetes mounts the pod's service-account token, CA and namespace.</summary>
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string ServiceAccountDirectory { get; init; } = DefaultServiceAccountDirectory;

    /// <summary>Per-request timeout for the Anthropic and Kubernetes APIs.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public string? GetEnvironment(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static SetupHost FromProcess()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return new SetupHost { Environment = environment, Out = Console.Out, Error = Console.Error };
    }
}
