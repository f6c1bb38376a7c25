using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpTunnel.Testing;

namespace McpTunnel.Setup.Tests.Fakes;

/// <summary>
/// The slice of the Kubernetes API setup uses: Secrets in one namespace. Enforces the bearer token, the
/// namespace (403 elsewhere, as RBAC would), kind and name of written objects, base64 data, and optimistic
/// concurrency: a PUT must carry the current resourceVersion (409 otherwise), a POST of an existing
/// Secret is 409 AlreadyExists. Served over HTTPS with a certificate from our own PKI when asked.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _secrets = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private LoopbackServer? _server;
    private long _resourceVersion = 1000;

    private FakeKubernetesApi(string token, string ns)
    {
        Token = token;
        Namespace = ns;
    }

    public string Token { get; }

    public string Namespace { get; }

    public Uri BaseUrl => _server!.BaseUri;

    /// <summary>Applied to the stored Secret right after the next GET answers, as a concurrent writer would.</summary>
    public Action<JsonObject>? ChangeAfterNextGet { get; set; }

    public int Writes => Requests.Count(r => r.Method is "POST" or "PUT" && r.Status < 300);

    public IReadOnlyList<RecordedRequest> Requests { get { lock (_gate) { return [.. _requests]; } } }

    public static async Task<FakeKubernetesApi> StartAsync(string token, string ns, X509Certificate2? certificate = null)
    {
        var api = new FakeKubernetesApi(token, ns);
        api._server = await LoopbackServer.StartAsync(api.HandleAsync, certificate);
        return api;
    }

    /// <summary>The Secret's decoded data, or null when it does not exist.</summary>
    public IReadOnlyDictionary<string, string>? GetSecretData(string name)
    {
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var secret))
            {
                return null;
            }

            return (secret["data"] as JsonObject ?? [])
                .ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(Convert.FromBase64String(p.Value!.GetValue<string>())), StringComparer.Ordinal);
        }
    }

    public JsonObject? GetSecret(string name)
    {
        lock (_gate)
        {
            return _secrets.TryGetValue(name, out var secret) ? (JsonObject)secret.DeepClone() : null;
        }
    }

    /// <summary>Stores a Secret as if someone else created it (e.g. Helm, with its own labels and keys).</summary>
    public void PutSecret(string name, IReadOnlyDictionary<string, string> data, IReadOnlyDictionary<string, string>? labels = null)
    {
        lock (_gate)
        {
            var encoded = new JsonObject();
            foreach (var (key, value) in data)
            {
                encoded[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
            }

            var metadata = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["resourceVersion"] = (++_resourceVersion).ToString() };
            if (labels is not null)
            {
                metadata["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
            }

            _secrets[name] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = metadata, ["type"] = "Opaque", ["data"] = encoded };
        }
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        int status;
        JsonObject response;
        lock (_gate)
        {
            (status, response) = Handle(context.Request.Method, context.Request.Path.Value ?? "/", headers, body);
            _requests.Add(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "/", headers, body, status));
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString());
    }

    private (int, JsonObject) Handle(string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        if (headers.GetValueOrDefault("authorization") != "Bearer " + Token)
        {
            return Status(401, "Unauthorized", "Unauthorized");
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["api", "v1", "namespaces", var ns, "secrets", ..] || segments.Length > 6)
        {
            return Status(404, "NotFound", $"the server could not find the requested resource ({path})");
        }

        if (ns != Namespace)
        {
            return Status(403, "Forbidden", $"secrets is forbidden: User \"system:serviceaccount:{Namespace}:setup\" cannot access resource \"secrets\" in namespace \"{ns}\"");
        }

        var name = segments.Length == 6 ? segments[5] : null;
        switch (method, name)
        {
            case ("GET", not null):
            {
                if (!_secrets.TryGetValue(name, out var found))
                {
                    return Status(404, "NotFound", $"secrets \"{name}\" not found");
                }

                var answer = (JsonObject)found.DeepClone();
                if (ChangeAfterNextGet is { } change)
                {
                    ChangeAfterNextGet = null;
                    change(found);
                    found["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString();
                }

                return (200, answer);
            }
            case ("POST", null):
            {
                var secret = Validate(body, expectedName: null, out var error);
                if (secret is null)
                {
                    return Status(422, "Invalid", error!);
                }

                var newName = secret["metadata"]!["name"]!.GetValue<string>();
                if (_secrets.ContainsKey(newName))
                {
                    return Status(409, "AlreadyExists", $"secrets \"{newName}\" already exists");
                }

                return (201, Store(newName, secret));
            }

            case ("PUT", not null):
            {
                var secret = Validate(body, expectedName: name, out var error);
                if (secret is null)
                {
                    return Status(422, "Invalid", error!);
                }

                if (!_secrets.TryGetValue(name, out var existing))
                {
                    return Status(404, "NotFound", $"secrets \"{name}\" not found");
                }

                var sent = secret["metadata"]?["resourceVersion"]?.GetValue<string>();
                if (sent != existing["metadata"]!["resourceVersion"]!.GetValue<string>())
                {
                    return Status(409, "Conflict", $"Operation cannot be fulfilled on secrets \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
                }

                return (200, Store(name, secret));
            }

            default:
                return Status(405, "MethodNotAllowed", $"{method} not allowed");
        }
    }

    private JsonObject Store(string name, JsonObject secret)
    {
        secret["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString();
        secret["metadata"]!["namespace"] = Namespace;
        _secrets[name] = secret;
        return (JsonObject)secret.DeepClone();
    }

    private static JsonObject? Validate(string body, string? expectedName, out string? error)
    {
        error = null;
        JsonObject? secret;
        try
        {
            secret = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            secret = null;
        }

        if (secret is null || secret["kind"]?.GetValue<string>() != "Secret" || secret["apiVersion"]?.GetValue<string>() != "v1")
        {
            error = "body must be a v1 Secret";
            return null;
        }

        var name = secret["metadata"]?["name"]?.GetValue<string>();
        if (name is null || (expectedName is not null && name != expectedName))
        {
            error = "metadata.name must match the URL";
            return null;
        }

        foreach (var (key, value) in secret["data"] as JsonObject ?? [])
        {
            try
            {
                Convert.FromBase64String(value?.GetValue<string>() ?? "!");
            }
            catch (FormatException)
            {
                error = $"data[{key}]: illegal base64 data";
                return null;
            }
        }

        return secret;
    }

    private static (int, JsonObject) Status(int code, string reason, string message) =>
        (code, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = code });
}
