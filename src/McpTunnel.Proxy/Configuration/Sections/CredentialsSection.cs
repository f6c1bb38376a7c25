using System.Collections.Frozen;
using McpTunnel.Proxy.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpTunnel.Proxy.Configuration.Sections;

/// <summary>
/// <c>upstream.credentials</c>: route key → a header the proxy sets on every request to that route's upstream, its value
/// read from a file. Like <c>upstream.host_header</c> it sits beside <c>routes</c> (which must stay a flat name → URL
/// map), so its keys are checked against the routes that were read. The file is read here, with the rules the running
/// proxy re-reads it with (<see cref="CredentialFile"/>), so a missing, empty or malformed file is a load error naming
/// <c>upstream.credentials.&lt;route&gt;.value_file</c>.
/// <code>
/// upstream:
///   credentials:
///     tickets:
///       value_file: /run/secrets/tickets-token   # one line; a trailing newline is dropped
///       prefix: "Bearer "                          # optional, put before the file's content
///       header: Authorization                      # the default
///       caller_authorization: replace              # replace (the default for Authorization) | strip | pass
/// </code>
/// </summary>
internal static class CredentialsSection
{
    private const string Example = "upstream:\n  credentials:\n    tickets:\n      value_file: /run/secrets/tickets-token\n      prefix: \"Bearer \"";

    private static readonly (string, CallerAuthorization)[] Modes =
        [("pass", CallerAuthorization.Pass), ("strip", CallerAuthorization.Strip), ("replace", CallerAuthorization.Replace)];

    /// <summary>
    /// Headers the proxy or the HTTP layer owns: hop-by-hop fields, framing and content fields, Host and the forwarding
    /// facts the proxy sets, trace context, and the MCP transport's own headers. A credential in one of them would be
    /// overwritten, break the request, or change what the policy and the upstream read.
    /// </summary>
    private static readonly FrozenSet<string> Reserved = new[]
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "HTTP2-Settings", "Content-Length", "Content-Type", "Content-Encoding", "Content-Range",
        "Expect", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded", "X-Forwarded-Prefix",
        "X-Forwarded-Port", "X-Forwarded-Server", "X-Real-IP", "traceparent", "tracestate", "Mcp-Session-Id", "Mcp-Method",
        "Mcp-Name", "MCP-Protocol-Version", "Last-Event-ID", "Accept",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly System.Buffers.SearchValues<char> TokenChars = System.Buffers.SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    public static List<RouteDefinition> Apply(ConfigMapping? upstream, List<RouteDefinition> routes)
    {
        if (upstream is null)
        {
            return routes;
        }

        var diagnostics = upstream.Diagnostics;
        return RouteKeyedMap.Apply(upstream, "credentials", "a mapping", $"map each route name to its credential, e.g. {Example}", routes, (route, field, value) =>
        {
            if (value is not YamlMappingNode routeMap)
            {
                diagnostics.Error(field, $"line {value.Start.Line}: cannot unmarshal {YamlTags.Of(value)} into a mapping", $"give the route's credential as keys (value_file, prefix, header, caller_authorization), e.g. {Example}");
                return null;
            }

            return Read(new ConfigMapping(routeMap, field + ".", diagnostics), field) is { } credential ? route with { Credential = credential } : null;
        });
    }

    private static CredentialSettings? Read(ConfigMapping entry, string field)
    {
        var diagnostics = entry.Diagnostics;
        var errors = diagnostics.Errors.Count;
        var header = ReadHeader(entry);
        var prefix = ReadPrefix(entry);
        var isAuthorization = string.Equals(header, CredentialSettings.DefaultHeader, StringComparison.OrdinalIgnoreCase);
        var mode = ReadMode(entry, isAuthorization);
        var valueFile = entry.String("value_file");
        entry.WarnUnknownKeys();
        if (string.IsNullOrWhiteSpace(valueFile))
        {
            diagnostics.Error(entry.Field("value_file"), "is required", "name the file that holds the credential, e.g. value_file: /run/secrets/tickets-token (a Secret's key mounted as a file)");
            return null;
        }

        var content = CredentialFile.Read(valueFile, prefix ?? "");
        if (content.Value is null)
        {
            diagnostics.Error(entry.Field("value_file"), content.Problem!, content.Fix!);
            return null;
        }

        if (CredentialFile.LooseModeWarning(entry.Field("value_file"), valueFile) is { } warning)
        {
            diagnostics.Warn(warning);
        }

        return diagnostics.Errors.Count > errors || header is null || prefix is null || mode is null
            ? null
            : new CredentialSettings(header, valueFile, prefix, mode.Value) { Value = content.Value };
    }

    private static string? ReadHeader(ConfigMapping entry)
    {
        var text = entry.String("header");
        if (string.IsNullOrWhiteSpace(text))
        {
            return CredentialSettings.DefaultHeader;
        }

        var name = text.Trim();
        if (name.AsSpan().ContainsAnyExcept(TokenChars))
        {
            entry.Diagnostics.Error(entry.Field("header"), $"\"{name}\" is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)", "write a header name such as Authorization or X-API-Key");
            return null;
        }

        if (Reserved.Contains(name) || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.Contains('_', StringComparison.Ordinal) && Reserved.Contains(name.Replace('_', '-')))
        {
            entry.Diagnostics.Error(entry.Field("header"), $"{name} is set by the proxy or the HTTP layer itself, so it cannot carry a credential", "use the header the upstream reads its credential from, such as Authorization or X-API-Key");
            return null;
        }

        return name;
    }

    private static string? ReadPrefix(ConfigMapping entry)
    {
        var prefix = entry.String("prefix") ?? "";
        for (var i = 0; i < prefix.Length; i++)
        {
            if (prefix[i] is not ('\t' or (>= ' ' and < '\u007f')))
            {
                entry.Diagnostics.Error(entry.Field("prefix"), $"holds a character that cannot be in a header value (character {i + 1})", "write the prefix in printable ASCII, such as \"Bearer \"");
                return null;
            }
        }

        if (prefix.Length > 0 && prefix[0] is ' ' or '\t')
        {
            entry.Diagnostics.Error(entry.Field("prefix"), "starts with a space or tab, which servers drop", "start the prefix with its first word, such as \"Bearer \"");
            return null;
        }

        return prefix;
    }

    private static CallerAuthorization? ReadMode(ConfigMapping entry, bool isAuthorization)
    {
        if (entry.String("caller_authorization") is null)
        {
            // The credential goes out on every request, so when it is the Authorization header the caller's is replaced;
            // otherwise the caller's passes, as without a credential.
            return isAuthorization ? CallerAuthorization.Replace : CallerAuthorization.Pass;
        }

        var field = entry.Field("caller_authorization");
        var errors = entry.Diagnostics.Errors.Count;
        var mode = entry.Choice("caller_authorization", CallerAuthorization.Pass, Modes);
        if (entry.Diagnostics.Errors.Count > errors)
        {
            return null;
        }

        if (isAuthorization && mode == CallerAuthorization.Pass)
        {
            entry.Diagnostics.Error(field, "pass cannot apply: the credential is itself the Authorization header, and a request never carries two", "remove caller_authorization (the caller's Authorization is replaced), or put the credential in another header (header: X-API-Key) to pass the caller's on");
            return null;
        }

        if (!isAuthorization && mode == CallerAuthorization.Replace)
        {
            entry.Diagnostics.Error(field, "replace puts the credential in the caller's Authorization, but header names another header", "write strip to remove the caller's Authorization (or pass to keep it), or set header: Authorization");
            return null;
        }

        return mode;
    }
}
