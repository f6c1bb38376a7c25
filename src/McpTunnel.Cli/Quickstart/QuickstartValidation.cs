using System.Text.RegularExpressions;
using McpTunnel.Proxy.Configuration;

namespace McpTunnel.Cli.Quickstart;

/// <summary>Checks answers before anything is written, with the proxy's own upstream parser (exactly scheme://host:port).</summary>
internal static partial class QuickstartValidation
{
    public static string? DomainError(string domain)
    {
        var value = domain.Trim();
        if (value.Contains("://", StringComparison.Ordinal))
        {
            return "give the domain alone, without https://";
        }

        return HostName().IsMatch(value) && value.Contains('.', StringComparison.Ordinal)
            ? null
            : $"\"{value}\" is not a domain such as abcd1234.tunnel.anthropic.com";
    }

    /// <summary>Null when <paramref name="text"/> is <c>name=scheme://host:port</c> with a valid route name and upstream.</summary>
    public static string? RouteError(string text, out string name, out string upstream)
    {
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        name = separator > 0 ? text[..separator].Trim().ToLowerInvariant() : "";
        upstream = separator > 0 ? text[(separator + 1)..].Trim() : "";
        if (separator <= 0)
        {
            return $"--route \"{text}\" must be name=scheme://host:port, e.g. echo=http://hello-mcp:9000";
        }

        if (!Label().IsMatch(name))
        {
            return $"route name \"{name}\" must be one DNS label (letters, digits, '-'); Claude reaches it as <name>.<tunnel-domain>";
        }

        return UpstreamAddressParser.TryParse(upstream, out _, out var reason)
            ? null
            : $"route {name}: invalid upstream (must be scheme://host:port): {reason}";
    }

    /// <summary>Null when <paramref name="text"/> is <c>name=value</c> naming a route, with a value the proxy accepts.</summary>
    public static string? UpstreamHostError(string text, IReadOnlyList<string> routes, out string name, out string value)
    {
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        name = separator > 0 ? text[..separator].Trim().ToLowerInvariant() : "";
        value = separator > 0 ? text[(separator + 1)..].Trim() : "";
        if (separator <= 0)
        {
            return $"--upstream-host \"{text}\" must be name=upstream, name=original or name=host[:port], e.g. echo=upstream";
        }

        if (!routes.Contains(name))
        {
            return $"--upstream-host {name}: no route {name} (routes: {string.Join(", ", routes)}); give the route with --route first";
        }

        if (!UpstreamHostParser.TryParse(value, out var setting, out var reason))
        {
            return $"--upstream-host {name}: \"{value}\" is not original, upstream or a host[:port]: {reason}";
        }

        value = setting.ToString();
        return null;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")]
    private static partial Regex HostName();
}
