namespace McpTunnel.Proxy.Forwarding;

/// <summary>
/// Body bytes one request moved each way through the forwarder (request body to the next hop, response body to the
/// caller), for the per-request record. Only a request that is being recorded has one; the forwarder counts
/// nothing otherwise.
/// </summary>
internal sealed class ForwardedBytes
{
    private long _request;
    private long _response;

    public long Request => Volatile.Read(ref _request);

    public long Response => Volatile.Read(ref _response);

    public void AddRequest(long count) => Interlocked.Add(ref _request, count);

    public void AddResponse(long count) => Interlocked.Add(ref _response, count);
}
