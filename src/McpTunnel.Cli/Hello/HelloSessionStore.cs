using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace McpTunnel.Cli.Hello;

/// <summary>Live stateful sessions by <c>Mcp-Session-Id</c>.</summary>
internal sealed class HelloSessionStore
{
    private readonly ConcurrentDictionary<string, HelloSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    /// <summary>128 random bits, URL-safe: visible ASCII as the spec requires for session ids.</summary>
    public static string NewSessionId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    public void Add(HelloSession session)
    {
        if (!_sessions.TryAdd(session.Id, session))
        {
            throw new InvalidOperationException("Duplicate MCP session id.");
        }
    }

    public bool TryGet(string id, [NotNullWhen(true)] out HelloSession? session) => _sessions.TryGetValue(id, out session);

    public bool TryRemove(string id, [NotNullWhen(true)] out HelloSession? session) => _sessions.TryRemove(id, out session);

    public async ValueTask DisposeAllAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out var session))
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
