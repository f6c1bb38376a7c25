using McpTunnel.Proxy.Forwarding;
using McpTunnel.Proxy.Tests.Infrastructure;

namespace McpTunnel.Proxy.Tests;

/// <summary>
/// The proxy's top-level folders (its stages) depend on each other without a cycle, so each can be read, tested and
/// changed knowing only the stages below it (docs/ARCHITECTURE.md "Stage dependencies"). Read from the compiled proxy;
/// a failure names every cycle with the uses that close it.
/// </summary>
public sealed class StageCycleTests
{
    [Fact]
    public void ProxyStages_DependOnEachOtherWithoutACycle()
    {
        var uses = StageDependencies.Uses(typeof(ProxyRequestHandler).Assembly)
            .Select(u => (User: u.User, Used: u.Used, From: StageDependencies.Stage(u.User), To: StageDependencies.Stage(u.Used)))
            .Where(u => u.From.Length > 0 && u.To.Length > 0 && u.From != u.To)
            .ToList();
        var edges = uses.GroupBy(u => u.From).ToDictionary(g => g.Key, g => g.Select(u => u.To).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        // The reader sees the stages' real uses (a positive control: the handler does route and forward).
        Assert.Contains("Routing", edges["Forwarding"]);

        var cycles = new List<string>();
        foreach (var (from, targets) in edges)
        {
            foreach (var to in targets.Where(to => string.CompareOrdinal(from, to) < 0 && Reaches(edges, to, from)))
            {
                var example = uses.First(u => u.From == from && u.To == to);
                var back = uses.First(u => u.From == to && Reaches(edges, u.To, from, alsoSelf: true));
                cycles.Add($"{from} -> {to} (e.g. {example.User.FullName} uses {example.Used.FullName}) and {to} reaches {from} back (e.g. {back.User.FullName} uses {back.Used.FullName})");
            }
        }

        Assert.True(cycles.Count == 0, string.Join("\n", cycles));
    }

    [Fact]
    public void CycleFinder_FindsACycleItIsGiven()
    {
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };

        Assert.True(Reaches(edges, "B", "A"));
        Assert.False(Reaches(edges, "A", "D"));
    }

    /// <summary>Whether <paramref name="to"/> is reachable from <paramref name="from"/> along the edges.</summary>
    private static bool Reaches(Dictionary<string, HashSet<string>> edges, string from, string to, bool alsoSelf = false)
    {
        if (alsoSelf && from == to)
        {
            return true;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var stage))
        {
            foreach (var next in edges.GetValueOrDefault(stage) ?? [])
            {
                if (next == to)
                {
                    return true;
                }

                if (seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return false;
    }
}
