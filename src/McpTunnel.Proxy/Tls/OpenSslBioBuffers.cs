using System.Net.Security;
using System.Runtime.InteropServices;

namespace McpTunnel.Proxy.Tls;

/// <summary>
/// Gives back the memory of the two memory BIOs through which SslStream hands TLS records to OpenSSL and takes them
/// back, once both are empty.
/// <para>
/// Why: on Linux each SslStream owns an input and an output memory BIO (<c>BIO_s_mem</c>). A memory BIO's buffer grows
/// to the largest amount ever queued in it and never shrinks: after the handshake the two hold ~1.2 KB (the ClientHello
/// and the server's flight), and after a tunnel has once sent a large response the output BIO keeps ~43 KB for the rest
/// of the tunnel's life (measured with SslStream pairs: OpenSSL's native memory per idle server connection 14.5 KB after
/// small exchanges, 56.3 KB after one 64 KB response; docs/PERFORMANCE.md "Where an idle tunnel's memory goes"). OpenSSL's
/// own idle record buffers are released by <see cref="OpenSslIdleBuffers"/>; these are the runtime's.
/// </para>
/// <para>
/// How, and why it is safe: a BIO whose buffer holds nothing (<c>BIO_ctrl_pending</c> is 0) is given a new, empty
/// <c>BUF_MEM</c> (<c>BIO_set_mem_buf</c> with <c>BIO_CLOSE</c>, which frees the old one); it grows again on its next use.
/// The runtime only ever reaches the BIOs through the BIO handles, never through the buffer's address, so nothing
/// holds the old buffer. A call must not overlap any read or write of the stream (OpenSSL objects are not thread-safe):
/// the tunnel calls it right after the handshake, before its pumps start, and later only from its send pump while the
/// receive side is parked in the carrier (<c>Listener/WebSocketServerStream.TryPauseReader</c>). The entry points come from the libssl and
/// libcrypto the runtime loaded; anything unexpected (another OS or layout, a BIO that is not a memory BIO) does nothing.
/// <c>MCP_PROXY_OPENSSL_RELEASE_BUFFERS=0</c> turns it off together with <see cref="OpenSslIdleBuffers"/>.
/// </para>
/// </summary>
internal static class OpenSslBioBuffers
{
    private const int BioCtrlPending = 10;      // BIO_CTRL_PENDING
    private const int BioSetBufMem = 114;       // BIO_C_SET_BUF_MEM
    private const int BioGetBufMemPtr = 115;    // BIO_C_GET_BUF_MEM_PTR
    private const int BioClose = 1;             // BIO_CLOSE: the BIO owns (and frees) its BUF_MEM
    private const int BioTypeMem = 1 | 0x0400;  // BIO_TYPE_MEM = 1 | BIO_TYPE_SOURCE_SINK

    private static readonly Lazy<Api?> Library = new(Resolve);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint SslGetBio(nint ssl);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BioMethodType(nint bio);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint BioCtrl(nint bio, int command, nint argument, nint pointer);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint BioCtrlOut(nint bio, int command, nint argument, out nint pointer);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint BufMemNew();

    /// <summary>
    /// Frees the buffer of each of the stream's two BIOs that is empty and holds more than <paramref name="minimumCapacity"/>
    /// bytes; returns the bytes freed (0 when not possible here). No read or write of <paramref name="stream"/> may run
    /// at the same time.
    /// </summary>
    public static int TryRelease(SslStream stream, int minimumCapacity = 0)
    {
        if (Library.Value is not { } api)
        {
            return 0;
        }

        return OpenSslSessions.WithSsl(
            stream,
            (Api: api, MinimumCapacity: minimumCapacity),
            static (state, ssl) => Release(state.Api, state.Api.GetReadBio(ssl), state.MinimumCapacity)
                + Release(state.Api, state.Api.GetWriteBio(ssl), state.MinimumCapacity),
            0);
    }

    private static int Release(Api api, nint bio, int minimumCapacity)
    {
        if (bio == 0 || api.MethodType(bio) != BioTypeMem || api.Ctrl(bio, BioCtrlPending, 0, 0) != 0)
        {
            return 0;
        }

        api.CtrlOut(bio, BioGetBufMemPtr, 0, out var buffer);
        if (buffer == 0)
        {
            return 0;
        }

        // struct buf_mem_st { size_t length; char *data; size_t max; unsigned long flags; } (OpenSSL 1.1.0 and later)
        var capacity = (long)Marshal.ReadIntPtr(buffer, 2 * IntPtr.Size);
        if (capacity == 0 || capacity <= minimumCapacity)
        {
            return 0;
        }

        var empty = api.NewBufMem();
        if (empty == 0)
        {
            return 0;
        }

        api.Ctrl(bio, BioSetBufMem, BioClose, empty);
        return (int)Math.Min(capacity, int.MaxValue);
    }

    private static Api? Resolve()
    {
        if (Environment.GetEnvironmentVariable("MCP_PROXY_OPENSSL_RELEASE_BUFFERS") == "0" || !OperatingSystem.IsLinux() || !OpenSslSessions.CanReachStreams)
        {
            return null;
        }

        var ssl = OpenSslSessions.LoadedLibrary("/libssl.so");
        var crypto = OpenSslSessions.LoadedLibrary("/libcrypto.so");
        if (ssl is null || crypto is null)
        {
            return null;
        }

        try
        {
            var sslLibrary = NativeLibrary.Load(ssl); // already loaded by the runtime: same handles, same libraries
            var cryptoLibrary = NativeLibrary.Load(crypto);
            return new Api(
                Export<SslGetBio>(sslLibrary, "SSL_get_rbio"),
                Export<SslGetBio>(sslLibrary, "SSL_get_wbio"),
                Export<BioMethodType>(cryptoLibrary, "BIO_method_type"),
                Export<BioCtrl>(cryptoLibrary, "BIO_ctrl"),
                Export<BioCtrlOut>(cryptoLibrary, "BIO_ctrl"),
                Export<BufMemNew>(cryptoLibrary, "BUF_MEM_new"));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    private static T Export<T>(nint library, string name)
        where T : Delegate
        => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));

    private sealed record Api(
        SslGetBio GetReadBio,
        SslGetBio GetWriteBio,
        BioMethodType MethodType,
        BioCtrl Ctrl,
        BioCtrlOut CtrlOut,
        BufMemNew NewBufMem);
}
