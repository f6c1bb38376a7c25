using System.CommandLine;
using McpTunnel.CommandLine;

namespace McpTunnel.Bench;

/// <summary>
/// <c>mcptunnel-bench</c>: the performance harness. Starts the upstream, nginx (if installed) and mcp-proxy on loopback,
/// drives them with its own load client, and writes a Markdown report with ratios, SVG latency charts and the targets
/// of docs/bench/targets.json.
/// </summary>
internal static class BenchCommand
{
    public static RootCommand Create()
    {
        var duration = DurationOption.SecondsOrDuration("--duration", "Time per measurement", TimeSpan.FromSeconds(5));
        var concurrency = new Option<int>("--concurrency") { Description = "Closed-loop concurrency (connections for HTTP/1.1, streams for h2)", DefaultValueFactory = _ => 32 };
        var rate = new Option<int>("--rate") { Description = "Open-loop offered rate in requests/s; 0 = half of nginx's closed-loop maximum", DefaultValueFactory = _ => 0 };
        var runs = new Option<int>("--runs") { Description = "Alternating rounds per part (medians are reported)", DefaultValueFactory = _ => 3 };
        var parts = new Option<string>("--parts") { Description = "Comma-separated: start,rr,sse,bulk,handshake,idle", DefaultValueFactory = _ => "start,rr,sse,bulk,handshake,idle" };
        var protocols = new Option<string>("--http") { Description = "HTTP versions inside the tunnel: 1.1,2", DefaultValueFactory = _ => "1.1,2" };
        var idle = new Option<string>("--idle-counts") { Description = "Idle tunnel counts to hold", DefaultValueFactory = _ => "1000,5000,10000" };
        var idleStreams = new Option<int>("--idle-streams") { Description = "Idle SSE streams (headers + one event, then silent) to hold through the tunnel and directly; 0 = none", DefaultValueFactory = _ => 500 };
        var handshakes = new Option<int>("--handshakes") { Description = "New tunnels per key type", DefaultValueFactory = _ => 1000 };
        var targets = new Option<string>("--targets") { Description = "JSON file of the targets the report judges against", DefaultValueFactory = _ => TargetsFile.DefaultPath };
        var output = new Option<string>("--out") { Description = "Output directory for report.md and the SVG charts", DefaultValueFactory = _ => "bench-results" };
        var smoke = new Option<bool>("--smoke") { Description = "A few hundred requests per target, well under 30 s (CI); skips nginx if absent" };
        var noNginx = new Option<bool>("--no-nginx") { Description = "Skip the nginx target (b)" };
        var metricsAb = new Option<bool>("--metrics-ab") { Description = "Also measure a second mcp-proxy with admin_addr set (metrics and MCP-aware telemetry on) as target tunnel+metrics, beside the plain tunnel, in the request/response and streaming parts" };
        var variant = new Option<string[]>("--variant")
        {
            Description = "NAME=FILE: also measure a second mcp-proxy whose config adds FILE's YAML keys (e.g. policy=docs/bench/variants/policy.yaml) as target tunnel+NAME, alternating with the plain tunnel in every round (repeatable)",
            DefaultValueFactory = _ => [],
        };
        variant.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!ProxyVariant.TryParse(token.Value, out _, out var error))
                {
                    result.AddError(error);
                    return;
                }
            }
        });
        var inProcess = new Option<bool>("--in-process") { Description = "Host mcp-proxy inside this process instead of as a child process" };
        var binary = new Option<string[]>("--proxy-binary")
        {
            Description = "mcp-proxy binary or dll (default: mcp-proxy.dll next to mcptunnel-bench); repeat it to compare builds: the start and idle parts run every binary each round, the request/response and streaming parts measure the second and later ones as targets tunnel+bin2… beside the first, and the handshake part gives each its own rows",
            DefaultValueFactory = _ => [],
        };
        var proxyEnv = new Option<string[]>("--proxy-env")
        {
            Description = "NAME=VALUE environment variable for the mcp-proxy child process only (repeatable), e.g. DOTNET_gcServer=1; ignored with --in-process",
            DefaultValueFactory = _ => [],
        };
        proxyEnv.Validators.Add(result =>
        {
            if (!TryParseProxyEnvironment(result.Tokens.Select(t => t.Value), out _, out var error))
            {
                result.AddError(error);
            }
        });
        RefuseUnknownItems(parts, Enum.GetNames<BenchPart>().Select(n => n.ToLowerInvariant()));
        RefuseUnknownItems(protocols, ["1.1", "2"]);
        idle.Validators.Add(result =>
        {
            foreach (var item in Split(result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value))
            {
                if (!int.TryParse(item, out var count) || count <= 0)
                {
                    result.AddError($"--idle-counts expects comma-separated positive whole numbers such as 1000,5000, got '{item}'");
                    return;
                }
            }
        });
        var command = new RootCommand("mcptunnel-bench: measure the tunnel against the upstream directly and nginx: throughput, latency percentiles, SSE, bulk, handshakes, idle memory.")
        {
            duration, concurrency, rate, runs, parts, protocols, idle, idleStreams, handshakes, output, smoke, noNginx, metricsAb, variant, inProcess, binary, proxyEnv, targets,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            if (!TryParseProxyEnvironment(parse.GetValue(proxyEnv)!, out var proxyEnvironment, out var proxyEnvError))
            {
                // Unreachable through the command line (the option's validator rejects these at parse time).
                Console.Error.WriteLine($"mcptunnel-bench: {proxyEnvError}");
                return 2;
            }

            var variants = Variants(parse.GetValue(metricsAb), parse.GetValue(variant)!, parse.GetValue(binary)!);
            if (variants.GroupBy(v => v.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                Console.Error.WriteLine($"mcptunnel-bench: two second proxies are named {twice.Key} (target tunnel+{twice.Key}); give each --variant its own NAME.");
                return 2;
            }

            var options = parse.GetValue(smoke) ? BenchOptions.ForSmoke(outDir) : new BenchOptions
            {
                OutputDirectory = outDir,
                Duration = duration.Read(parse),
                Concurrency = parse.GetValue(concurrency),
                Rate = parse.GetValue(rate),
                Runs = parse.GetValue(runs),
                Handshakes = parse.GetValue(handshakes),
                IdleCounts = [.. Split(parse.GetValue(idle)!).Select(int.Parse)],
                IdleStreams = parse.GetValue(idleStreams),
            };
            options = options with
            {
                Parts = new HashSet<BenchPart>(Split(parse.GetValue(parts)!).Select(p => Enum.Parse<BenchPart>(p, ignoreCase: true))),
                Protocols = [.. Split(parse.GetValue(protocols)!)],
                UseNginx = !parse.GetValue(noNginx),
                ProxyOutOfProcess = !parse.GetValue(inProcess) && (parse.GetValue(smoke) ? ProxyHost.FindProxyDll() is not null : true),
                ProxyBinaries = parse.GetValue(binary)!,
                ProxyEnvironment = proxyEnvironment,
                Variants = variants,
                TargetsFile = Path.GetFullPath(parse.GetValue(targets)!),
            };
            await BenchRunner.RunAsync(options, "mcptunnel-bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), Console.Out, cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>The second proxies to measure beside the plain one: metrics on, each <c>--variant</c>, each further binary.</summary>
    private static List<ProxyVariant> Variants(bool metricsAb, string[] variants, string[] binaries)
    {
        var all = new List<ProxyVariant>();
        if (metricsAb)
        {
            all.Add(ProxyVariant.Metrics);
        }

        foreach (var argument in variants)
        {
            // The option's validator refused a bad one at parse time; a file removed since is refused here.
            if (!ProxyVariant.TryParse(argument, out var parsed, out var error))
            {
                throw new InvalidOperationException(error);
            }

            all.Add(parsed!);
        }

        for (var i = 1; i < binaries.Length; i++)
        {
            all.Add(ProxyVariant.ForBinary(i, binaries[i]));
        }

        return all;
    }

    /// <summary>
    /// Parses <c>--proxy-env</c> values: each must be NAME=VALUE with a shell-style NAME (letters, digits, '_', not
    /// starting with a digit), each NAME at most once. VALUE may be empty or contain '='.
    /// </summary>
    internal static bool TryParseProxyEnvironment(IEnumerable<string> assignments, out List<KeyValuePair<string, string>> variables, out string error)
    {
        variables = [];
        error = "";
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=');
            if (equals < 0)
            {
                error = $"--proxy-env expects NAME=VALUE, e.g. DOTNET_gcServer=1 (got '{assignment}').";
                return false;
            }

            var name = assignment[..equals];
            if (name.Length == 0 || char.IsAsciiDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                error = $"--proxy-env: '{name}' is not an environment variable name (letters, digits and '_', not starting with a digit; got '{assignment}').";
                return false;
            }

            if (variables.Any(v => v.Key == name))
            {
                error = $"--proxy-env sets {name} more than once.";
                return false;
            }

            variables.Add(new(name, assignment[(equals + 1)..]));
        }

        return true;
    }

    /// <summary>A comma-separated list option whose items must each be one of <paramref name="allowed"/>: said at parse time, not as an exception later.</summary>
    private static void RefuseUnknownItems(Option<string> option, IEnumerable<string> allowed)
    {
        var names = allowed.ToList();
        option.Validators.Add(result =>
        {
            foreach (var item in Split(result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value))
            {
                if (!names.Contains(item, StringComparer.OrdinalIgnoreCase))
                {
                    result.AddError($"{option.Name} item '{item}' is not one of {string.Join(", ", names)}");
                    return;
                }
            }
        });
    }

    private static string[] Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
