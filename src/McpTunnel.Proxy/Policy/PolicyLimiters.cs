using System.Collections.Concurrent;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Proxy.Policy;

/// <summary>
/// The limiters of every route and tool, owned by the server rather than by one configuration, so that a reloaded
/// configuration keeps the counts of the limits it did not change. When a limit's numbers change, its limiter is replaced
/// by one that carries the state over (<see cref="CallLimiter.Reconfigured"/>): the calls in flight still count against
/// the new cap and the tokens left stay, never above the new burst. A reload is never a way to reset a limit.
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

                var replacement = existing.Reconfigured(settings);
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

    /// <summary>Forgets the limiters of routes and tools a reloaded configuration no longer limits.</summary>
    public void Retain(IEnumerable<RouteDefinition> routes)
    {
        var kept = new HashSet<(string, string?)>();
        foreach (var route in routes)
        {
            if (route.Policy is not { } policy)
            {
                continue;
            }

            kept.Add((route.Key, null));
            foreach (var tool in policy.ToolLimits.Keys)
            {
                kept.Add((route.Key, tool));
            }
        }

        foreach (var key in _limiters.Keys)
        {
            if (!kept.Contains(key))
            {
                _limiters.TryRemove(key, out _);
            }
        }
    }
}
