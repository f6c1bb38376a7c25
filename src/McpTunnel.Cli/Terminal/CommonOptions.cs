using System.CommandLine;
using McpTunnel.Pki.Issuing;

namespace McpTunnel.Cli.Terminal;

/// <summary>Options several commands share, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> KeyType(string description) => new Option<string>("--key-type")
    {
        Description = $"{description} ({string.Join(", ", KeyAlgorithms.Flags)})",
        DefaultValueFactory = _ => KeyAlgorithms.EcdsaP256Flag,
    }.AcceptOnlyFromAmong([.. KeyAlgorithms.Flags]);

    public static KeyAlgorithm ParseKeyType(string flag) =>
        KeyAlgorithms.TryParse(flag, out var algorithm) ? algorithm : KeyAlgorithm.EcdsaP256;

    public static Option<int?> Days(string what) => new("--days") { Description = $"{what} validity in days" };

    public static Option<string?> Duration(string what, string fallback) =>
        new("--duration") { Description = $"{what} validity as a Go duration such as 720h or 90m; a bare number is refused (default {fallback})" };
}
