using McpTunnel.Proxy.Forwarding;
using Route = McpTunnel.Proxy.Routing.Route;

namespace McpTunnel.Proxy.Hosting;

/// <summary>
/// What a reload changed, in route keys and setting names only (never values that could be secret): the summary the
/// <c>config reloaded</c> line carries.
/// </summary>
internal sealed record ConfigChange(
    IReadOnlyList<string> RoutesAdded,
    IReadOnlyList<string> RoutesRemoved,
    IReadOnlyList<string> RoutesChanged,
    IReadOnlyList<string> PolicyChanged,
    bool EgressChanged,
    bool LogLevelChanged,
    bool NewUpstreamPool)
{
    public bool IsEmpty => RoutesAdded.Count == 0 && RoutesRemoved.Count == 0 && RoutesChanged.Count == 0 && PolicyChanged.Count == 0 && !EgressChanged && !LogLevelChanged;

    public static ConfigChange Between(ConfigSnapshot running, ConfigSnapshot next)
    {
        var before = running.Routes.Routes.ToDictionary(r => r.Key, StringComparer.OrdinalIgnoreCase);
        var after = next.Routes.Routes.ToDictionary(r => r.Key, StringComparer.OrdinalIgnoreCase);
        var changed = new List<string>();
        var policy = new List<string>();
        foreach (var (key, route) in after)
        {
            if (!before.TryGetValue(key, out var was))
            {
                continue;
            }

            if (ForwardingDiffers(was, route))
            {
                changed.Add(key);
            }

            if (!(was.Policy?.Describe() ?? []).SequenceEqual(route.Policy?.Describe() ?? []))
            {
                policy.Add(key);
            }
        }

        var egress = running.Egress.ValidationDisabled != next.Egress.ValidationDisabled
            || !running.Egress.AllowedNetworks.SequenceEqual(next.Egress.AllowedNetworks);
        return new ConfigChange(
            [.. after.Keys.Where(k => !before.ContainsKey(k)).Order(StringComparer.Ordinal)],
            [.. before.Keys.Where(k => !after.ContainsKey(k)).Order(StringComparer.Ordinal)],
            [.. changed.Order(StringComparer.Ordinal)],
            [.. policy.Order(StringComparer.Ordinal)],
            egress,
            running.Config.LogLevel != next.Config.LogLevel,
            !ReferenceEquals(running.Pool, next.Pool));
    }

    /// <summary>
    /// Anything about where and how the route's requests are sent: upstream, Host, response-header deadline, the
    /// credential's settings (its header, file, prefix and caller mode; a new value in the same file is a re-read, not a reload).
    /// </summary>
    private static bool ForwardingDiffers(Route was, Route now) =>
        was.Upstream != now.Upstream
        || was.UpstreamHostHeader != now.UpstreamHostHeader
        || was.Target.ResponseHeaderTimeout != now.Target.ResponseHeaderTimeout
        || was.Credential?.Settings.Describe() != now.Credential?.Settings.Describe();
}
