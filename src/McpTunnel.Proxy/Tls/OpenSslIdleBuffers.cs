using System.Net.Security;
using System.Runtime.InteropServices;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// Lets OpenSSL free a tunnel's TLS record buffers while the tunnel is idle (<c>SSL_MODE_RELEASE_BUFFERS</c>), and
/// frees the ones the handshake left behind (<c>SSL_free_buffers</c>).
/// <para>
/// Why: without that mode OpenSSL keeps a ~17 KB read buffer and a ~17 KB write buffer per connection for its whole
/// life; measured with .NET 10 on OpenSSL 3.0, that is ~15 KB of the ~32 KB native memory each SslStream holds, and
/// the largest single item in an idle tunnel's footprint (docs/PERFORMANCE.md, "Idle tunnels"). nginx sets the mode on
/// every context by default. .NET does not set it and has no API for it, so this sets it on the connection's own
/// <c>SSL*</c> after the handshake. The mode only acts on the next read or write, so a tunnel that stays idle after its
/// handshake would keep the read buffer the handshake filled: <c>SSL_free_buffers</c> returns it at once (measured with
/// SslStream pairs: RSS per idle pair 84 KB → 74 KB). OpenSSL refuses (returns 0) when a buffer still holds data.
/// </para>
/// <para>
/// CVE-2024-4741: before 3.0.14, 3.1.6, 3.2.2 and 3.3.1, <c>SSL_free_buffers</c> also freed a buffer still in use in
/// two cases (OpenSSL advisory of 2024-05-28): a record header read whose body has not arrived, and a record whose
/// application data was only partly read. Neither can hold right after the handshake (SslStream hands OpenSSL whole
/// TLS frames during the handshake and has read no application data yet). Distributions backport such fixes without
/// changing the version number (Ubuntu 24.04, the base of our image, reports 3.0.13), so the version cannot tell; on a
/// version without the fix in its number both cases are ruled out explicitly before the call: the record layer must be
/// waiting for a record header (<c>SSL_rstate_string</c> is "RH") and hold nothing unread (<c>SSL_has_pending</c> is 0).
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

    private static readonly Lazy<OpenSsl?> Library = new(Resolve);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslCtrl(nint ssl, int command, nint argument, nint pointer);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SslFreeBuffers(nint ssl);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nuint OpenSslVersionNum();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslRstateString(nint ssl);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SslHasPending(nint ssl);

    /// <summary>What <see cref="TryEnable"/> did to one connection.</summary>
    [Flags]
    public enum Outcome
    {
        None = 0,

        /// <summary><c>SSL_MODE_RELEASE_BUFFERS</c> is set: buffers are freed whenever a read or write leaves them empty.</summary>
        ReleaseModeSet = 1,

        /// <summary>The buffers the handshake left behind were freed now.</summary>
        HandshakeBuffersFreed = 2,
    }

    /// <summary>Why the feature is off, or null when it is available (resolved on first use).</summary>
    public static string? UnavailableReason { get; private set; }

    /// <summary>
    /// Sets <c>SSL_MODE_RELEASE_BUFFERS</c> on an authenticated stream and frees its idle buffers; <see cref="Outcome.None"/>
    /// when not possible here. Call it before anything else reads or writes the stream.
    /// </summary>
    public static Outcome TryEnable(SslStream stream) => TryEnable(stream, checkIdleFirst: false);

    /// <param name="stream">An authenticated stream nothing else uses yet.</param>
    /// <param name="checkIdleFirst">Rule out the CVE-2024-4741 cases even where the version has the fix (tests use it to cover that path).</param>
    internal static Outcome TryEnable(SslStream stream, bool checkIdleFirst)
    {
        if (Library.Value is not { } openSsl)
        {
            return Outcome.None;
        }

        return OpenSslSessions.WithSsl(stream, (Api: openSsl, CheckIdleFirst: checkIdleFirst), static (state, ssl) =>
        {
            var outcome = (state.Api.Ctrl(ssl, SslCtrlMode, SslModeReleaseBuffers, 0) & SslModeReleaseBuffers) != 0
                ? Outcome.ReleaseModeSet
                : Outcome.None;
            if (state.Api.FreeBuffers is { } free && ((state.Api.FreeBuffersChecksIdle && !state.CheckIdleFirst) || RecordLayerIsIdle(state.Api, ssl))
                && free(ssl) == 1)
            {
                outcome |= Outcome.HandshakeBuffersFreed;
            }

            return outcome;
        }, Outcome.None);
    }

    /// <summary>
    /// Whether <c>SSL_free_buffers</c> is safe in this OpenSSL (<c>OPENSSL_VERSION_NUMBER</c> layout 0xMNN00PP0L):
    /// CVE-2024-4741 was fixed in 3.0.14, 3.1.6, 3.2.2 and 3.3.1; 1.1.1 got the fix only in paid releases.
    /// </summary>
    internal static bool FreeBuffersIsSafe(ulong versionNumber)
    {
        var major = versionNumber >> 28;
        var minor = (versionNumber >> 20) & 0xFF;
        var patch = (versionNumber >> 4) & 0xFF;
        return major switch
        {
            > 3 => true,
            3 => minor switch
            {
                0 => patch >= 14,
                1 => patch >= 6,
                2 => patch >= 2,
                3 => patch >= 1,
                _ => true,
            },
            _ => false,
        };
    }

    /// <summary>The record layer waits for a record header and holds no unread data: nothing to free under anyone's feet.</summary>
    private static bool RecordLayerIsIdle(OpenSsl openSsl, nint ssl)
    {
        if (openSsl.RstateString is not { } rstate || openSsl.HasPending is not { } hasPending)
        {
            return false;
        }

        var state = Marshal.PtrToStringAnsi(rstate(ssl));
        return state == "RH" && hasPending(ssl) == 0;
    }

    private static OpenSsl? Resolve()
    {
        if (Environment.GetEnvironmentVariable("MCP_PROXY_OPENSSL_RELEASE_BUFFERS") == "0")
        {
            return Off("turned off by MCP_PROXY_OPENSSL_RELEASE_BUFFERS=0");
        }

        if (!OperatingSystem.IsLinux())
        {
            return Off("only for OpenSSL on Linux");
        }

        if (!OpenSslSessions.CanReachStreams)
        {
            return Off("this runtime's SslStream has no _securityContext field");
        }

        var path = OpenSslSessions.LoadedLibrary("/libssl.so");
        if (path is null)
        {
            return Off("no libssl mapped into this process");
        }

        try
        {
            var library = NativeLibrary.Load(path); // already loaded by the runtime: same handle, same library
            var ctrl = Marshal.GetDelegateForFunctionPointer<SslCtrl>(NativeLibrary.GetExport(library, "SSL_ctrl"));
            var fixedVersion = NativeLibrary.TryGetExport(library, "OpenSSL_version_num", out var versionExport)
                && FreeBuffersIsSafe(Marshal.GetDelegateForFunctionPointer<OpenSslVersionNum>(versionExport)());
            return new OpenSsl(
                ctrl,
                Export<SslFreeBuffers>(library, "SSL_free_buffers"),
                fixedVersion,
                Export<SslRstateString>(library, "SSL_rstate_string"),
                Export<SslHasPending>(library, "SSL_has_pending"));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return Off($"{path}: {ex.Message}");
        }
    }

    private static OpenSsl? Off(string reason)
    {
        UnavailableReason = reason;
        return null;
    }

    private static T? Export<T>(nint library, string name)
        where T : Delegate
        => NativeLibrary.TryGetExport(library, name, out var address) ? Marshal.GetDelegateForFunctionPointer<T>(address) : null;

    /// <summary>The entry points used (null where missing); <see cref="FreeBuffersChecksIdle"/>: this version has the CVE-2024-4741 fix in its number.</summary>
    private sealed record OpenSsl(
        SslCtrl Ctrl,
        SslFreeBuffers? FreeBuffers,
        bool FreeBuffersChecksIdle,
        SslRstateString? RstateString,
        SslHasPending? HasPending);
}
