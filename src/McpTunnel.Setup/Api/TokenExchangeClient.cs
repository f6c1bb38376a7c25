using System.Net.Http.Json;

namespace McpTunnel.Setup.Api;

/// <summary>
/// Workload Identity Federation: trades the workload's OIDC JWT for a short-lived Anthropic access
/// token with an RFC 7523 jwt-bearer grant at <c>POST {api}/v1/oauth/token</c>.
/// One exchange per run is enough: setup finishes well within the token's lifetime.
/// </summary>
internal sealed class TokenExchangeClient(HttpClient http, Uri apiUrl)
{
    public const string RequiredScope = "workspace:manage_tunnels";

    /// <summary>Exchanges <paramref name="assertion"/> (from <see cref="ReadAssertionAsync"/>) for an access token.</summary>
    public async Task<AccessToken> ExchangeAsync(WorkloadIdentitySettings settings, string assertion, CancellationToken cancellationToken)
    {

        // service_account_id only when given: setup is documented to derive it from the rule, whose single target is the default.
        var body = new TokenExchangeRequest(
            TokenExchangeRequest.JwtBearerGrantType,
            assertion,
            settings.FederationRuleId,
            settings.OrganizationId,
            settings.ServiceAccountId,
            settings.WorkspaceId);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiUrl, "v1/oauth/token"))
        {
            Content = JsonContent.Create(body, SetupJsonContext.Default.TokenExchangeRequest),
        };
        var response = await ApiHttp.SendAsync(http, request, ApiOperation.TokenExchange, SetupJsonContext.Default.TokenExchangeResponse, null, cancellationToken);

        if (string.IsNullOrEmpty(response.AccessToken))
        {
            throw ApiFailures.Malformed(ApiOperation.TokenExchange, "no access_token in the response");
        }

        if (!string.Equals(response.TokenType, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiFailures.Malformed(ApiOperation.TokenExchange, $"token_type is \"{response.TokenType}\", expected \"Bearer\"");
        }

        var expiresIn = response.ExpiresIn is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return new AccessToken(response.AccessToken, expiresIn, response.Scope);
    }

    public static bool HasRequiredScope(AccessToken token) =>
        token.Scope is null || token.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(RequiredScope, StringComparer.Ordinal);

    /// <summary>Reads the token file on every call: projected tokens rotate on disk.</summary>
    public static async Task<string> ReadAssertionAsync(WorkloadIdentitySettings settings, CancellationToken cancellationToken)
    {
        if (settings.IdentityToken is { } inline)
        {
            return inline.Trim();
        }

        var path = settings.IdentityTokenFile!;
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SetupException(
                $"cannot read the identity token: {WorkloadIdentitySettings.IdentityTokenFileVariable}={path}: {exception.Message}",
                "check the projected service-account token volume (or the file's path and permissions)",
                innerException: exception);
        }

        text = text.Trim();
        if (text.Length == 0)
        {
            throw new SetupException(
                $"the identity token file {path} ({WorkloadIdentitySettings.IdentityTokenFileVariable}) is empty",
                "check the projected service-account token volume");
        }

        return text;
    }
}
