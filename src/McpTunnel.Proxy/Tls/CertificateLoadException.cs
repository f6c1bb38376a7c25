namespace McpTunnel.Proxy.Tls;

/// <summary>The certificate or key could not be read or used; fatal at startup, a warning on reload.</summary>
internal sealed class CertificateLoadException(string message, Exception inner) : Exception(message, inner);
