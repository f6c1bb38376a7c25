using McpTunnel.Common.Net;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Observability;

/// <summary>The admin listener could not bind (typically the port is taken); the message names <c>admin_addr</c>.</summary>
internal sealed class AdminListenException(ListenAddress address, IOException inner)
    : IOException($"admin_addr: listen tcp {address}: {inner.GetBaseException().Message}", inner);
