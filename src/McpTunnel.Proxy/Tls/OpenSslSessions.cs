using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// How the two OpenSSL memory tweaks the runtime does not offer (<see cref="OpenSslIdleBuffers"/>,
/// <see cref="OpenSslBioBuffers"/>) reach the native objects behind a runtime <see cref="SslStream"/> on Linux: the
/// stream's <c>SSL*</c>, held alive for the length of one call, and the libssl and libcrypto the runtime's crypto shim
/// loaded. Both go through the runtime's private layout, so each answers "not here" instead of failing when it differs.
/// </summary>
internal static class OpenSslSessions
{
    // A literal field name: the trimmer (Native AOT) sees it and keeps the field.
    private static readonly FieldInfo? SecurityContextField =
        typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Whether this runtime's SslStream keeps its OpenSSL handle where <see cref="WithSsl"/> looks for it.</summary>
    public static bool CanReachStreams => SecurityContextField is not null;

    /// <summary>
    /// Runs <paramref name="action"/> on the stream's <c>SSL*</c> while the handle is referenced (it cannot be freed
    /// meanwhile); <paramref name="unavailable"/> when the stream has no live OpenSSL session (another runtime or OS, not
    /// authenticated, closed).
    /// </summary>
    public static TResult WithSsl<TState, TResult>(SslStream stream, TState state, Func<TState, nint, TResult> action, TResult unavailable)
    {
        if (SecurityContextField?.GetValue(stream) is not SafeHandle handle
            || handle.IsInvalid || handle.IsClosed || handle.GetType().Name != "SafeSslHandle")
        {
            return unavailable;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return action(state, handle.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The path of the library (<c>/libssl.so</c>, <c>/libcrypto.so</c>) the runtime's crypto shim loaded (it loads them at the first TLS use).</summary>
    public static string? LoadedLibrary(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0 && line.AsSpan(slash).Contains(name, StringComparison.Ordinal))
                {
                    return line[slash..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
