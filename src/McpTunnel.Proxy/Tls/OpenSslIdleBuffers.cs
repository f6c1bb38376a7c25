using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// Lets OpenSSL free a tunnel's TLS record buffers while the tunnel is idle (<c>SSL_MODE_RELEASE_BUFFERS</c>).
/// <para>
/// Why: without that mode OpenSSL keeps a ~17 KB read buffer and a ~17 KB write buffer per connection for its whole
/// life; measured with .NET 10 on OpenSSL 3.0, that is ~15 KB of the ~32 KB native memory each SslStream holds, and
/// the largest single item in an idle tunnel's footprint (docs/PERFORMANCE.md, "Idle tunnels"). nginx sets the mode on
/// every context by default. .NET does not set it and has no API for it, so this sets it on the connection's own
/// <c>SSL*</c> after the handshake.
/// </para>
/// <para>
/// How, and why it is safe: the handle comes from SslStream's security context (a SafeHandle over the <c>SSL*</c> on
/// Linux); <c>SSL_ctrl(ssl, SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS)</c> is called through the very libssl the runtime
/// loaded (found in <c>/proc/self/maps</c>, never a second copy of a possibly different version), before the tunnel's
/// pumps start, so nothing else uses the connection at that moment. Anything unexpected — another OS, a runtime whose
/// SslStream is laid out differently, no libssl mapped — turns the feature off and the tunnel works exactly as without
/// it. <c>MCP_PROXY_OPENSSL_RELEASE_BUFFERS=0</c> turns it off on purpose. A test asserts it takes effect on the runtime
/// we ship, so a .NET upgrade that breaks it is noticed.
/// </para>
/// </summary>
internal static class OpenSslIdleBuffers
{
    private const int SslCtrlMode = 33;            // SSL_CTRL_MODE (ssl.h, stable since OpenSSL 0.9.x)
    private const nint SslModeReleaseBuffers = 0x10; // SSL_MODE_RELEASE_BUFFERS (OpenSSL 1.0.0+)

    private static readonly Lazy<SslCtrl?> Ctrl = new(Resolve);
    private static readonly FieldInfo? SecurityContextField =
        typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslCtrl(nint ssl, int command, nint argument, nint pointer);

    /// <summary>Why the feature is off, or null when it is available (resolved on first use).</summary>
    public static string? UnavailableReason { get; private set; }

    /// <summary>Sets <c>SSL_MODE_RELEASE_BUFFERS</c> on an authenticated stream; false when not possible here.</summary>
    public static bool TryEnable(SslStream stream)
    {
        if (Ctrl.Value is not { } ctrl || SecurityContextField?.GetValue(stream) is not SafeHandle handle
            || handle.IsInvalid || handle.IsClosed || handle.GetType().Name != "SafeSslHandle")
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var mode = ctrl(handle.DangerousGetHandle(), SslCtrlMode, SslModeReleaseBuffers, 0);
            return (mode & SslModeReleaseBuffers) != 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static SslCtrl? Resolve()
    {
        if (Environment.GetEnvironmentVariable("MCP_PROXY_OPENSSL_RELEASE_BUFFERS") == "0")
        {
            return Off("turned off by MCP_PROXY_OPENSSL_RELEASE_BUFFERS=0");
        }

        if (!OperatingSystem.IsLinux())
        {
            return Off("only for OpenSSL on Linux");
        }

        if (SecurityContextField is null)
        {
            return Off("this runtime's SslStream has no _securityContext field");
        }

        var path = LoadedLibSsl();
        if (path is null)
        {
            return Off("no libssl mapped into this process");
        }

        try
        {
            var library = NativeLibrary.Load(path); // already loaded by the runtime: same handle, same library
            return Marshal.GetDelegateForFunctionPointer<SslCtrl>(NativeLibrary.GetExport(library, "SSL_ctrl"));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return Off($"{path}: {ex.Message}");
        }
    }

    /// <summary>The path of the libssl the runtime's crypto shim loaded (it loads it at the first TLS use).</summary>
    private static string? LoadedLibSsl()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0 && line.AsSpan(slash).Contains("/libssl.so", StringComparison.Ordinal))
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

    private static SslCtrl? Off(string reason)
    {
        UnavailableReason = reason;
        return null;
    }
}
