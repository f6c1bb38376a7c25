using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The request body the policy read and approved, handed to the forwarder in place of the connection's reader: the
/// upstream gets exactly these bytes, the ones that were decided on, and nothing read later can change them.
/// </summary>
internal sealed class HeldRequestBody(byte[] body) : IRequestBodyPipeFeature
{
    public PipeReader Reader { get; } = PipeReader.Create(new ReadOnlySequence<byte>(body));
}
