namespace McpTunnel.Proxy.Forwarding;

/// <summary>The outcome of one forwarded request: an error value and, for logs, the exception behind it.</summary>
internal readonly record struct ForwardResult(ForwarderError Error, Exception? Exception = null)
{
    public static readonly ForwardResult Success = new(ForwarderError.None);
}
