using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;
using McpTunnel.Pki.Inspection;
using McpTunnel.Pki.Pem;
using McpTunnel.Pki.Rules;
using McpTunnel.Testing;

namespace McpTunnel.Setup.Tests.Fakes;

/// <summary>
/// An in-process stand-in for Anthropic's token endpoint and Tunnels API that
/// enforces the documented rules instead of accepting anything: the jwt-bearer body, the bearer token
/// and scope, the three headers, one certificate per PEM with no key and at most 8 kB that passes the
/// CA rules, at most two active certificates, reveal vs rotate, archive. Errors use the standard shape
/// with a request_id. Failures can be injected per call.
/// </summary>
public sealed class FakeAnthropicApi : IAsyncDisposable
{
    public const string Jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bWNwOnNldHVwIn0.c2lnbmF0dXJlLW5vdC1jaGVja2VkLWJ5LXRoZS1mYWtl";
    public const string FederationRuleId = "fdrl_01TestRule";
    public const string OrganizationId = "8f2b1c3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    public const string ManageTunnelsScope = "workspace:manage_tunnels";

    private readonly Lock _gate = new();
    private readonly LoopbackServer _server;
    private readonly List<FakeTunnel> _tunnels = [];
    private readonly List<FakeCertificate> _certificates = [];
    private readonly Dictionary<string, string> _accessTokens = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<InjectedFailure> _failures = [];
    private long _sequence;

    private FakeAnthropicApi(LoopbackServer server) => _server = server;

    public Uri BaseUrl => _server.BaseUri;

    /// <summary>Scope granted by the exchange; anything without workspace:manage_tunnels gets 403 on Tunnels calls.</summary>
    public string Scope { get; set; } = ManageTunnelsScope;

    /// <summary>When set, the exchange insists on this service_account_id.</summary>
    public string? RequiredServiceAccountId { get; set; }

    /// <summary>When set, every Tunnels API call answers this error (e.g. 401, or 403 for a non-member).</summary>
    public FakeApiException? TunnelsFailure { get; set; }

    public IReadOnlyList<RecordedRequest> Requests { get { lock (_gate) { return [.. _requests]; } } }

    public IReadOnlyList<FakeTunnel> Tunnels { get { lock (_gate) { return [.. _tunnels]; } } }

    public IReadOnlyList<FakeCertificate> Certificates { get { lock (_gate) { return [.. _certificates]; } } }

    public IReadOnlyCollection<string> IssuedAccessTokens { get { lock (_gate) { return [.. _accessTokens.Keys]; } } }

    /// <summary>Starts on 127.0.0.1, on a free port unless <paramref name="port"/> is given (the container checks fix it).</summary>
    public static async Task<FakeAnthropicApi> StartAsync(int port = 0)
    {
        FakeAnthropicApi? api = null;
        var server = await LoopbackServer.StartAsync(context => api!.HandleAsync(context), port: port);
        api = new FakeAnthropicApi(server);
        return api;
    }

    /// <summary>
    /// The next <paramref name="count"/> calls matching method and path answer <paramref name="status"/>.
    /// With <paramref name="afterApplying"/> the call takes effect first and only its answer is lost, as when
    /// a connection drops after the server committed.
    /// </summary>
    public void FailNext(string method, string pathPattern, int status = 500, int count = 1, bool afterApplying = false)
    {
        lock (_gate)
        {
            _failures.Add(new InjectedFailure(method, new Regex(pathPattern), status, afterApplying) { Remaining = count });
        }
    }

    public FakeTunnel AddTunnel(string? displayName = null)
    {
        lock (_gate)
        {
            return NewTunnel(displayName);
        }
    }

    /// <summary>Registers a CA as if someone else (the Console, an earlier setup) had done it.</summary>
    public FakeCertificate AddCertificate(string tunnelId, string pem)
    {
        lock (_gate)
        {
            RegisterCertificate(ActiveTunnel(tunnelId), JsonSerializer.Serialize(new { ca_certificate_pem = pem }));
            return _certificates[^1];
        }
    }

    public void ArchiveTunnel(string id)
    {
        lock (_gate)
        {
            Archive(_tunnels.Single(t => t.Id == id));
        }
    }

    public void ArchiveCertificate(string id)
    {
        lock (_gate)
        {
            _certificates.Single(c => c.Id == id).ArchivedAt = DateTimeOffset.UtcNow;
        }
    }

    public IReadOnlyList<FakeCertificate> ActiveCertificates(string tunnelId) =>
        Certificates.Where(c => c.TunnelId == tunnelId && c.ArchivedAt is null).ToList();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync();
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var path = request.Path.Value ?? "/";
        int status;
        object? response;
        lock (_gate)
        {
            var failure = _failures.FirstOrDefault(f => f.Remaining > 0 && f.Method == request.Method && f.Path.IsMatch(path));
            if (failure is not null)
            {
                failure.Remaining--;
            }

            try
            {
                if (failure is { AfterApplying: false })
                {
                    throw new FakeApiException(failure.Status, failure.Status == 529 ? "overloaded_error" : "api_error", "Internal server error");
                }

                (status, response) = Route(request.Method, path, request.Query, headers, body);
                if (failure is { AfterApplying: true })
                {
                    throw new FakeApiException(failure.Status, "api_error", "Internal server error");
                }
            }
            catch (FakeApiException error)
            {
                status = error.Status;
                response = new { type = "error", error = new { type = error.Type, message = error.Message }, request_id = NewId("req_") };
            }

            _requests.Add(new RecordedRequest(request.Method, path + request.QueryString, headers, body, status));
        }

        context.Response.StatusCode = status;
        if (response is not null)
        {
            var json = JsonSerializer.Serialize(response);
            if (JsonNode.Parse(json)?["request_id"]?.GetValue<string>() is { } requestId)
            {
                context.Response.Headers["request-id"] = requestId;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        }
    }

    private (int Status, object Response) Route(string method, string path, IQueryCollection query, IReadOnlyDictionary<string, string> headers, string body)
    {
        if (method == "POST" && path == "/v1/oauth/token")
        {
            return (200, Exchange(headers, body));
        }

        if (!path.StartsWith("/v1/tunnels", StringComparison.Ordinal))
        {
            throw FakeApiException.NotFound($"no route {method} {path}");
        }

        Authorize(method, headers, body);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries)[2..];
        return (method, segments) switch
        {
            ("POST", []) => (200, CreateTunnel(body)),
            ("GET", [var id]) => (200, ToJson(Find(id))),
            ("POST", [var id, "archive"]) => (200, ToJson(Archive(Find(id)))),
            ("POST", [var id, "reveal_token"]) => (200, Reveal(ActiveTunnel(id))),
            ("POST", [var id, "rotate_token"]) => (200, Rotate(ActiveTunnel(id), body)),
            ("POST", [var id, "certificates"]) => (200, RegisterCertificate(ActiveTunnel(id), body)),
            ("GET", [var id, "certificates"]) => (200, ListCertificates(Find(id), query)),
            _ => throw FakeApiException.NotFound($"no route {method} {path}"),
        };
    }

    private object Exchange(IReadOnlyDictionary<string, string> headers, string body)
    {
        if (!headers.TryGetValue("content-type", out var contentType) || !contentType.StartsWith("application/json", StringComparison.Ordinal))
        {
            throw FakeApiException.Invalid("content-type must be application/json");
        }

        var json = ParseObject(body);
        string Required(string name) => json[name]?.GetValue<string>() is { Length: > 0 } value ? value : throw FakeApiException.Invalid($"{name}: Field required");
        var known = new[] { "grant_type", "assertion", "federation_rule_id", "organization_id", "service_account_id", "workspace_id" };
        if (json.Select(p => p.Key).FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw FakeApiException.Invalid($"{unknown}: Extra inputs are not permitted");
        }

        if (Required("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            throw FakeApiException.Invalid("unsupported grant_type");
        }

        var assertion = Required("assertion");
        var rule = Required("federation_rule_id");
        var organization = Required("organization_id");
        if (!rule.StartsWith("fdrl_", StringComparison.Ordinal))
        {
            throw FakeApiException.Invalid("federation_rule_id: malformed");
        }

        if (json["workspace_id"]?.GetValue<string>() is { } workspace && workspace != "default" && !workspace.StartsWith("wrkspc_", StringComparison.Ordinal))
        {
            throw FakeApiException.Invalid("workspace_id: malformed");
        }

        // Every denial is the same opaque 401 ("Authentication failed"): the reason only shows in the Console.
        var serviceAccount = json["service_account_id"]?.GetValue<string>();
        if (assertion != Jwt || rule != FederationRuleId || organization != OrganizationId
            || (RequiredServiceAccountId is not null && serviceAccount != RequiredServiceAccountId)
            || (serviceAccount is not null && serviceAccount != RequiredServiceAccountId))
        {
            throw FakeApiException.Unauthenticated();
        }

        var token = "sk-ant-oat01-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _accessTokens[token] = Scope;
        return new { access_token = token, token_type = "Bearer", expires_in = 3600, scope = Scope };
    }

    private void Authorize(string method, IReadOnlyDictionary<string, string> headers, string body)
    {
        if (headers.ContainsKey("x-api-key"))
        {
            throw FakeApiException.Unauthenticated("X-Api-Key is not accepted here: use a Workload Identity Federation bearer token");
        }

        if (!headers.TryGetValue("authorization", out var authorization) || !authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            || !_accessTokens.TryGetValue(authorization["Bearer ".Length..], out var scope))
        {
            throw FakeApiException.Unauthenticated("invalid bearer token");
        }

        if (headers.GetValueOrDefault("anthropic-version") != "2023-06-01")
        {
            throw FakeApiException.Invalid("anthropic-version: header required (2023-06-01)");
        }

        if (!(headers.GetValueOrDefault("anthropic-beta") ?? string.Empty).Split(',').Select(s => s.Trim()).Contains("mcp-tunnels-2026-06-22"))
        {
            throw FakeApiException.Invalid("anthropic-beta: mcp-tunnels-2026-06-22 required");
        }

        if (body.Length > 0 && !(headers.GetValueOrDefault("content-type") ?? string.Empty).StartsWith("application/json", StringComparison.Ordinal))
        {
            throw FakeApiException.Invalid("content-type must be application/json");
        }

        if (TunnelsFailure is { } failure)
        {
            throw new FakeApiException(failure.Status, failure.Type, failure.Message);
        }

        if (!scope.Split(' ').Contains(ManageTunnelsScope))
        {
            throw FakeApiException.Forbidden($"token scope does not permit {method} on tunnels");
        }
    }

    private object CreateTunnel(string body)
    {
        var json = body.Length == 0 ? [] : ParseObject(body);
        var name = json["display_name"]?.GetValue<string>();
        if (name is not null && name.Length is 0 or > 255)
        {
            throw FakeApiException.Invalid("display_name: must be 1-255 characters");
        }

        if (_tunnels.Count(t => t.ArchivedAt is null) >= 10)
        {
            throw FakeApiException.Invalid("organization has reached the limit of 10 active tunnels");
        }

        return ToJson(NewTunnel(name));
    }

    private static object Reveal(FakeTunnel tunnel)
    {
        tunnel.Reveals++;
        return new { id = tunnel.TokenId, tunnel_token = tunnel.TokenValue, type = "tunnel_token" };
    }

    private static object Rotate(FakeTunnel tunnel, string body)
    {
        if (body.Length > 0 && ParseObject(body)["reason"] is { } reason && reason.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw FakeApiException.Invalid("reason: must be a string");
        }

        tunnel.TokenId = NewId("ttkn_");
        tunnel.TokenValue = NewTunnelToken();
        tunnel.Rotations++;
        return new { id = tunnel.TokenId, tunnel_token = tunnel.TokenValue, type = "tunnel_token" };
    }

    private object RegisterCertificate(FakeTunnel tunnel, string body)
    {
        var pem = ParseObject(body)["ca_certificate_pem"]?.GetValue<string>() ?? throw FakeApiException.Invalid("ca_certificate_pem: Field required");
        if (Encoding.UTF8.GetByteCount(pem) > 8192)
        {
            throw FakeApiException.Invalid("ca_certificate_pem: must be at most 8 KB");
        }

        if (PemBundle.ContainsPrivateKey(pem))
        {
            throw FakeApiException.Invalid("ca_certificate_pem: must not contain private key material");
        }

        var report = CertificateChecker.CheckCa(pem);
        if (!report.Passed)
        {
            throw FakeApiException.Invalid("ca_certificate_pem: " + string.Join("; ", report.Failures.Select(f => $"{f.RuleId}: {f.Detail}")));
        }

        if (_certificates.Count(c => c.TunnelId == tunnel.Id && c.ArchivedAt is null) >= 2)
        {
            throw FakeApiException.Conflict("tunnel already has the maximum of 2 active certificates; archive one before adding another");
        }

        using var certificate = PemBundle.ReadFirstCertificate(pem, "CA");
        var created = new FakeCertificate
        {
            Id = NewId("tcrt_"),
            TunnelId = tunnel.Id,
            Fingerprint = CertificateFingerprint.Sha256Hex(certificate),
            Pem = pem,
            Sequence = ++_sequence,
            CreatedAt = DateTimeOffset.UtcNow,
            ExpiresAt = CertificateTimes.NotAfter(certificate),
        };
        _certificates.Add(created);
        return ToJson(created);
    }

    private object ListCertificates(FakeTunnel tunnel, IQueryCollection query)
    {
        var includeArchived = query["include_archived"].ToString() == "true";
        var limit = int.TryParse(query["limit"], out var l) ? l : 20;
        if (limit is < 1 or > 1000)
        {
            throw FakeApiException.Invalid("limit: must be between 1 and 1000");
        }

        var offset = int.TryParse(query["page"], out var p) ? p : 0;
        var all = _certificates.Where(c => c.TunnelId == tunnel.Id && (includeArchived || c.ArchivedAt is null)).OrderByDescending(c => c.Sequence).ToList();
        var page = all.Skip(offset).Take(limit).Select(ToJson).ToList();
        return new { data = page, next_page = offset + limit < all.Count ? (offset + limit).ToString() : null };
    }

    private FakeTunnel NewTunnel(string? displayName)
    {
        var tunnel = new FakeTunnel
        {
            Id = NewId("tnl_"),
            Domain = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".tunnel.anthropic.com",
            DisplayName = displayName,
            CreatedAt = DateTimeOffset.UtcNow,
            TokenId = NewId("ttkn_"),
            TokenValue = NewTunnelToken(),
        };
        _tunnels.Add(tunnel);
        return tunnel;
    }

    private FakeTunnel Archive(FakeTunnel tunnel)
    {
        if (tunnel.ArchivedAt is null)
        {
            tunnel.ArchivedAt = DateTimeOffset.UtcNow;
            tunnel.TokenValue = NewTunnelToken();
            foreach (var certificate in _certificates.Where(c => c.TunnelId == tunnel.Id && c.ArchivedAt is null))
            {
                certificate.ArchivedAt = tunnel.ArchivedAt;
            }
        }

        return tunnel;
    }

    private FakeTunnel Find(string id) =>
        _tunnels.FirstOrDefault(t => t.Id == id) ?? throw FakeApiException.NotFound($"tunnel {id} not found");

    private FakeTunnel ActiveTunnel(string id)
    {
        var tunnel = Find(id);
        return tunnel.ArchivedAt is null ? tunnel : throw FakeApiException.Conflict($"tunnel {id} is archived");
    }

    private static object ToJson(FakeTunnel t) => new
    {
        id = t.Id,
        archived_at = t.ArchivedAt,
        created_at = t.CreatedAt,
        display_name = t.DisplayName,
        domain = t.Domain,
        type = "tunnel",
    };

    private static object ToJson(FakeCertificate c) => new
    {
        id = c.Id,
        archived_at = c.ArchivedAt,
        created_at = c.CreatedAt,
        expires_at = c.ExpiresAt,
        fingerprint = c.Fingerprint,
        tunnel_id = c.TunnelId,
        type = "tunnel_certificate",
    };

    private static JsonObject ParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw FakeApiException.Invalid("body must be a JSON object");
        }
        catch (JsonException)
        {
            throw FakeApiException.Invalid("body is not valid JSON");
        }
    }

    private static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    private static string NewTunnelToken() => "eyJhIjoi" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private sealed record InjectedFailure(string Method, Regex Path, int Status, bool AfterApplying)
    {
        public int Remaining { get; set; }
    }
}
