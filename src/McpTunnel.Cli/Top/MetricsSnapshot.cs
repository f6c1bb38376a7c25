namespace McpTunnel.Cli.Top;

/// <summary>One scrape of a proxy's admin listener: the <c>/metrics</c> samples, when they were read, and <c>/readyz</c>'s answer.</summary>
internal sealed class MetricsSnapshot(IReadOnlyList<MetricSample> samples, DateTimeOffset takenAt, bool ready, string readiness)
{
    public IReadOnlyList<MetricSample> Samples { get; } = samples;

    public DateTimeOffset TakenAt { get; } = takenAt;

    public bool Ready { get; } = ready;

    /// <summary>The <c>/readyz</c> body: <c>ready</c>, or <c>not ready: &lt;reason&gt;</c>.</summary>
    public string Readiness { get; } = readiness;

    public IEnumerable<MetricSample> Series(string name) => Samples.Where(s => s.Name == name);

    public double Sum(string name, Func<MetricSample, bool>? where = null) =>
        Series(name).Where(s => where is null || where(s)).Sum(s => s.Value);

    /// <summary>The single value of an unlabelled series, or null when the proxy does not export it.</summary>
    public double? Value(string name) => Series(name).Select(s => (double?)s.Value).FirstOrDefault();

    /// <summary>Totals of <paramref name="name"/> summed over every label but <paramref name="label"/>.</summary>
    public Dictionary<string, double> SumBy(string name, string label, Func<MetricSample, bool>? where = null) =>
        Series(name).Where(s => where is null || where(s))
            .GroupBy(s => s.Label(label), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);
}
