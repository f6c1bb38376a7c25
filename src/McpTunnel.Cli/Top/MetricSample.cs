namespace McpTunnel.Cli.Top;

/// <summary>One line of a Prometheus exposition: a series name, its labels (in the order written) and its value.</summary>
internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : string.Empty;
}
