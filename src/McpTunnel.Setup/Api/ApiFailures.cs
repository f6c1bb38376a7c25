using System.Net;

namespace McpTunnel.Setup.Api;

/// <summary>
/// The one place where an API failure becomes an operator message with a fix (a rejected
/// WIF exchange, a 403 for scope or membership, full CA slots). The message carries the HTTP status, the error type and message and
/// the <c>request_id</c> Anthropic support asks for; never a token or the JWT.
/// </summary>
internal static class ApiFailures
{
    public const string WifFix =
        "the federation rule rejected the identity token: check the rule's issuer, JWKS, subject and audience " +
        "(the Helm chart projects audience \"api.anthropic.com\", the Console suggests \"https://api.anthropic.com\"; they must match byte for byte), " +
        "the token lifetime, and ANTHROPIC_WORKSPACE_ID for a rule enabled in several workspaces; the deny reason is in the Console's authentication history";

    public const string ScopeFix =
        "the federation rule's scope must be workspace:manage_tunnels and its service account must be a member of the tunnel's workspace: " +
        "fix the scope or the membership in the Console (every service account is a member of the default workspace)";

    public const string SlotsFullFix =
        "both certificate slots of the tunnel are full: revoke (archive) one certificate in the Console, then re-run setup init";

    public static SetupException FromResponse(
        ApiOperation operation,
        HttpStatusCode status,
        string? errorType,
        string? errorMessage,
        string? requestId,
        string? tunnelId)
    {
        var code = (int)status;
        var what = Describe(operation, tunnelId);
        var detail = $"HTTP {code}{(errorType is null ? string.Empty : " " + errorType)}{(errorMessage is null ? string.Empty : ": " + errorMessage)}";
        var id = requestId is null ? string.Empty : $" (request_id {requestId})";
        return new SetupException($"{what} failed: {detail}{id}", Fix(operation, code, tunnelId));
    }

    public static SetupException Unreachable(ApiOperation operation, Uri apiUrl, Exception exception) =>
        new(
            $"{Describe(operation, null)} failed: cannot reach {apiUrl.GetLeftPart(UriPartial.Authority)}: {exception.Message}",
            "check --api-url / API_URL and outbound HTTPS access to the API (api.anthropic.com:443)",
            innerException: exception);

    public static SetupException Malformed(ApiOperation operation, string problem) =>
        new($"{Describe(operation, null)} failed: unexpected response: {problem}", "check that --api-url points to the Claude API (https://api.anthropic.com)");

    private static string Describe(ApiOperation operation, string? tunnelId) => operation switch
    {
        ApiOperation.TokenExchange => "token exchange (POST /v1/oauth/token)",
        ApiOperation.CreateTunnel => "creating a tunnel (POST /v1/tunnels)",
        ApiOperation.GetTunnel => $"reading tunnel {tunnelId}",
        ApiOperation.RevealToken => $"revealing the token of tunnel {tunnelId}",
        ApiOperation.RotateToken => $"rotating the token of tunnel {tunnelId}",
        ApiOperation.ListCertificates => $"listing the certificates of tunnel {tunnelId}",
        ApiOperation.RegisterCertificate => $"registering the CA certificate on tunnel {tunnelId}",
        _ => operation.ToString(),
    };

    private static string? Fix(ApiOperation operation, int status, string? tunnelId) => (operation, status) switch
    {
        (ApiOperation.TokenExchange, 401) => WifFix,
        (ApiOperation.TokenExchange, 400) =>
            "check ANTHROPIC_FEDERATION_RULE_ID (fdrl_...), ANTHROPIC_ORGANIZATION_ID (a UUID) and ANTHROPIC_WORKSPACE_ID (wrkspc_... or default)",
        (ApiOperation.TokenExchange, 403) => WifFix,
        (_, 401) => "the Tunnels API did not accept the access token: check that --api-url is the API that minted it, then re-run setup init",
        (_, 403) => ScopeFix,
        (ApiOperation.GetTunnel, 404) =>
            $"tunnel {tunnelId} does not exist in the workspace the federation rule targets: check --tunnel-id / TUNNEL_ID (or the stored tunnel-id) and ANTHROPIC_WORKSPACE_ID",
        (ApiOperation.RegisterCertificate, 409) => SlotsFullFix,
        (ApiOperation.CreateTunnel, 409 or 400 or 429) =>
            "an organization has at most 10 active tunnels: archive one in the Console, or pass --tunnel-id to attach to an existing tunnel",
        (_, 404 or 409) => $"tunnel {tunnelId} may be archived: pass --tunnel-id (or TUNNEL_ID) of an active tunnel, or empty the output to create a new one",
        (_, 429 or 529 or >= 500) => "the API is busy or failing: re-run setup later (a Kubernetes Job retries by itself)",
        _ => null,
    };
}
