using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace McpTunnel.Proxy.Observability;

/// <summary>Puts a <see cref="PeekingBodyReader"/> where <c>HttpRequest.BodyReader</c> comes from; the forwarder is unchanged.</summary>
internal sealed class BodyPipeFeature(PipeReader reader) : IRequestBodyPipeFeature
{
    public PipeReader Reader { get; } = reader;
}
