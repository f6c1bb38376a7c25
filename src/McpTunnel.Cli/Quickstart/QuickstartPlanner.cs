using System.Net;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Egress;

namespace McpTunnel.Cli.Quickstart;

/// <summary>Turns flags (and, on a terminal, answers) into a <see cref="QuickstartPlan"/>, or says which flag is missing.</summary>
internal static class QuickstartPlanner
{
    public static QuickstartPlan? Resolve(QuickstartOptions options, QuickstartEnvironment environment, TextWriter error)
    {
        var prompter = environment.Interactive && !options.Yes ? environment.Prompter : null;
        var domain = options.Domain?.Trim().TrimEnd('.').ToLowerInvariant() ?? prompter?.AskDomain().Trim().TrimEnd('.').ToLowerInvariant();
        if (domain is null)
        {
            error.WriteLine("quickstart: missing --domain (the tunnel's Domain from the Console, e.g. abcd1234.tunnel.anthropic.com); there is no terminal to ask on");
            return null;
        }

        if (QuickstartValidation.DomainError(domain) is { } domainError)
        {
            error.WriteLine($"quickstart: --domain: {domainError}");
            return null;
        }

        var routeTexts = options.Routes.ToList();
        var sample = options.Sample;
        if (routeTexts.Count == 0 && !sample)
        {
            if (prompter is not null)
            {
                sample = prompter.AskUseSample();
                if (!sample)
                {
                    do
                    {
                        routeTexts.Add(prompter.AskRoute());
                    }
                    while (prompter.AskAnotherRoute());
                }
            }
            else if (options.Yes)
            {
                sample = true;
            }
            else
            {
                error.WriteLine("quickstart: missing --route NAME=scheme://host:port (repeatable) or --sample; there is no terminal to ask on");
                return null;
            }
        }

        var routes = new List<KeyValuePair<string, string>>();
        foreach (var text in routeTexts)
        {
            if (QuickstartValidation.RouteError(text, out var name, out var upstream) is { } routeError)
            {
                error.WriteLine($"quickstart: {routeError}");
                return null;
            }

            if (routes.Any(r => r.Key == name))
            {
                error.WriteLine($"quickstart: route {name} is given twice");
                return null;
            }

            routes.Add(new(name, upstream));
            WarnIfEgressWouldRefuse(name, upstream, error);
        }

        if (sample && routes.All(r => r.Key != QuickstartTemplates.SampleRouteName))
        {
            routes.Insert(0, new(QuickstartTemplates.SampleRouteName, QuickstartTemplates.SampleUpstream));
        }

        var hostHeaders = new List<KeyValuePair<string, string>>();
        foreach (var text in options.UpstreamHosts)
        {
            if (QuickstartValidation.UpstreamHostError(text, routes.Select(r => r.Key).ToList(), out var name, out var value) is { } hostError)
            {
                error.WriteLine($"quickstart: {hostError}");
                return null;
            }

            hostHeaders.RemoveAll(h => h.Key == name);
            hostHeaders.Add(new(name, value));
        }

        return new QuickstartPlan(domain, routes, sample) { HostHeaders = hostHeaders };
    }

    /// <summary>
    /// The generated config keeps the default egress ranges (RFC 1918 IPv4 only), so a loopback or public upstream
    /// would be refused on every request: the proxy's own rule says so now, with where such a server belongs here.
    /// </summary>
    private static void WarnIfEgressWouldRefuse(string name, string upstream, TextWriter error)
    {
        if (!UpstreamAddressParser.TryParse(upstream, out var address, out _))
        {
            return;
        }

        foreach (var warning in UnreachableUpstreams.Warnings([new RouteDefinition(name, address)], new EgressPolicy(new UpstreamSettings())))
        {
            error.WriteLine($"WARN {warning} (or run the server as a Compose service beside the proxy).");
        }
    }
}
