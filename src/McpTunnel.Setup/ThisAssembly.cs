using System.Reflection;

namespace McpTunnel.Setup;

/// <summary>The version printed by <c>setup --version</c> and sent in the User-Agent.</summary>
internal static class ThisAssembly
{
    public static string Version { get; } =
        typeof(ThisAssembly).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
