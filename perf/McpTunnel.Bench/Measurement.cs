namespace McpTunnel.Bench;

/// <summary>
/// One figure a part's report offers for judging against docs/bench/targets.json: <paramref name="Metric"/> names what
/// was measured (the key a target names), <paramref name="Subject"/> which case (<c>h2</c>, <c>tunnel h1.1</c>,
/// <c>10000 tunnels</c>), <paramref name="Shown"/> the measured column of the targets table.
/// </summary>
internal sealed record Measurement(string Metric, string Subject, double Value, string Shown);
