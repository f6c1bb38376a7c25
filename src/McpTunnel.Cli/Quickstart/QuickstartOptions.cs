using McpTunnel.Pki.Issuing;

namespace McpTunnel.Cli.Quickstart;

/// <summary>Every answer quickstart needs, as flags; missing ones are asked on a terminal.</summary>
internal sealed record QuickstartOptions(string Directory)
{
    public string? Domain { get; init; }

    /// <summary><c>--route name=scheme://host:port</c>, in order.</summary>
    public IReadOnlyList<string> Routes { get; init; } = [];

    /// <summary><c>--upstream-host name=original|upstream|host[:port]</c>: the Host a route's upstream receives.</summary>
    public IReadOnlyList<string> UpstreamHosts { get; init; } = [];

    public bool Sample { get; init; }

    /// <summary>Accept defaults without asking (the sample server when no route is given).</summary>
    public bool Yes { get; init; }

    public bool Force { get; init; }

    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    /// <summary><c>--proxy-image</c>: McpTunnel's image unless told otherwise.</summary>
    public ProxyImage ProxyImage { get; init; } = ProxyImage.McpTunnel;
}

/// <summary>What quickstart learns about the machine; tests pin it.</summary>
internal sealed record QuickstartEnvironment
{
    public bool Interactive { get; init; }

    public bool RunningAsRoot { get; init; }

    public Func<bool> DockerAvailable { get; init; } = () => true;

    public IQuickstartPrompter? Prompter { get; init; }

    /// <summary>The McpTunnel checkout quickstart runs from, if any, so the next steps name its image build script.</summary>
    public string? Checkout { get; init; }
}

/// <summary>The resolved plan: domain and routes (name → upstream), plus whether the sample server is included.</summary>
internal sealed record QuickstartPlan(string Domain, IReadOnlyList<KeyValuePair<string, string>> Routes, bool Sample)
{
    /// <summary>Route name → <c>upstream.host_header</c> value, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HostHeaders { get; init; } = [];
}
