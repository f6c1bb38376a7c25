namespace McpTunnel.Bench;

/// <summary>What one <c>mcptunnel-bench</c> run measures, and how long each measurement lasts.</summary>
internal sealed record BenchOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public int Concurrency { get; init; } = 32;
    /// <summary>Open-loop offered rate; 0 means half of nginx's closed-loop maximum.</summary>
    public int Rate { get; init; }
    public int Runs { get; init; } = 3;
    /// <summary>Upper bound on requests per measurement (bounds every load loop in count as well as time).</summary>
    public int MaxRequests { get; init; } = 2_000_000;
    public IReadOnlySet<BenchPart> Parts { get; init; } = new HashSet<BenchPart>(Enum.GetValues<BenchPart>());
    public IReadOnlyList<string> Protocols { get; init; } = ["1.1", "2"];
    public int SseEvents { get; init; } = 300;
    public int SseIntervalMs { get; init; } = 5;
    public int BulkMiB { get; init; } = 50;
    public int Handshakes { get; init; } = 1000;
    public int HandshakeConcurrency { get; init; } = 4;
    public IReadOnlyList<int> IdleCounts { get; init; } = [1000, 5000, 10000];
    public int IdleLiveRate { get; init; } = 500;
    /// <summary>Idle SSE streams (GET, headers and one event, then silence) held through the proxy and directly; 0 = none.</summary>
    public int IdleStreams { get; init; } = 500;
    public bool Smoke { get; init; }
    public bool UseNginx { get; init; } = true;
    /// <summary>Run mcp-proxy as a child process (its own GC settings, RSS measurable) rather than in this process.</summary>
    public bool ProxyOutOfProcess { get; init; } = true;
    /// <summary>
    /// mcp-proxy binaries or dlls (<c>--proxy-binary</c>, repeatable); empty = mcp-proxy.dll next to mcptunnel-bench. Every part
    /// uses the first; the start and idle parts run once per binary (alternating over <see cref="Runs"/> rounds when
    /// there are two or more), the others measure the later ones as <see cref="Variants"/>,
    /// or more), so builds are compared in one run.
    /// </summary>
    public IReadOnlyList<string> ProxyBinaries { get; init; } = [];
    /// <summary>Environment variables for the mcp-proxy child process only (<c>--proxy-env</c>), in the order given: A/B runs of runtime knobs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ProxyEnvironment { get; init; } = [];
    /// <summary>
    /// Second proxies measured beside the plain one in the request/response and streaming parts, alternating in every
    /// round (<c>--metrics-ab</c>, <c>--variant NAME=FILE</c>, a second <c>--proxy-binary</c>): what a config extension
    /// or another build costs, from one run.
    /// </summary>
    public IReadOnlyList<ProxyVariant> Variants { get; init; } = [];
    public required string OutputDirectory { get; init; }
    /// <summary>The targets the report judges against (<c>--targets</c>; default docs/bench/targets.json as built next to the program).</summary>
    public string TargetsFile { get; init; } = Bench.TargetsFile.DefaultPath;

    /// <summary>A few hundred requests per target, well under 30 s: keeps the harness working in CI.</summary>
    public static BenchOptions ForSmoke(string outputDirectory) => new()
    {
        OutputDirectory = outputDirectory,
        Smoke = true,
        Duration = TimeSpan.FromSeconds(1),
        Warmup = TimeSpan.FromMilliseconds(200),
        Concurrency = 4,
        Rate = 200,
        Runs = 1,
        MaxRequests = 300,
        SseEvents = 20,
        SseIntervalMs = 2,
        BulkMiB = 4,
        Handshakes = 20,
        HandshakeConcurrency = 2,
        IdleCounts = [50],
        IdleLiveRate = 100,
        IdleStreams = 10,
        ProxyOutOfProcess = false,
    };
}

internal enum BenchPart
{
    Start,
    Rr,
    Sse,
    Bulk,
    Handshake,
    Idle,
}
