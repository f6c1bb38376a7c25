using System.Collections.Concurrent;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The limiters of every route and tool, owned by the server rather than by one configuration, so that a reloaded
/// configuration keeps the counts of the limits it did not change (a limiter is replaced only when its settings are).
/// </summary>
internal sealed class PolicyLimiters(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Route, string? Tool), CallLimiter> _limiters = new();

    public CallLimiter For(string route, string? tool, CallLimitSettings settings)
    {
        var key = (route, tool);
        while (true)
        {
            if (_limiters.TryGetValue(key, out var existing))
            {
                if (existing.Settings == settings)
                {
                    return existing;
                }

                var replacement = new CallLimiter(settings, time);
                if (_limiters.TryUpdate(key, replacement, existing))
                {
                    return replacement;
                }

                continue;
            }

            var created = new CallLimiter(settings, time);
            if (_limiters.TryAdd(key, created))
            {
                return created;
            }
        }
    }
}
