namespace McpTunnel.Pki;

internal static class PkiPlaceholder
{
}
