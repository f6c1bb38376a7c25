using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace McpTunnel.Setup.Outputs;

/// <summary>
/// <c>k8s-secret:NAME</c> over the Kubernetes REST API, in the pod's namespace: GET the Secret, then create
/// it (POST) or replace it (PUT with the resourceVersion read, so a concurrent change fails instead of
/// being overwritten). All keys go in one request, so readers see the old Secret or the new one. Other
/// keys, labels and annotations of an existing Secret are kept.
/// </summary>
internal sealed class KubernetesSecretStore(KubernetesSecretDestination destination, KubernetesEnvironment environment, HttpClient http) : IOutputStore
{
    private JsonObject? current;

    public OutputDestination Destination => destination;

    private string CollectionPath => $"api/v1/namespaces/{Uri.EscapeDataString(environment.Namespace)}/secrets";

    private string ItemPath => $"{CollectionPath}/{Uri.EscapeDataString(destination.Name)}";

    public async Task<StoredOutput> ReadAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, ItemPath, null, cancellationToken);
        if (status == HttpStatusCode.NotFound)
        {
            current = null;
            return StoredOutput.Empty;
        }

        EnsureSuccess(status, body, "get");
        current = JsonNode.Parse(body) as JsonObject
            ?? throw new SetupException($"the Kubernetes API returned an unexpected Secret for {Describe()}");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (current["data"] is JsonObject data)
        {
            foreach (var (key, value) in data)
            {
                if (value?.GetValue<string>() is { } encoded)
                {
                    values[key] = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                }
            }
        }

        return new StoredOutput(values);
    }

    public async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> entries, CancellationToken cancellationToken)
    {
        var secret = (JsonObject?)current?.DeepClone() ?? NewSecret();
        var data = secret["data"] as JsonObject;
        if (data is null)
        {
            data = [];
            secret["data"] = data;
        }

        var changed = new List<string>();
        foreach (var (key, value) in entries)
        {
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
            if (data[key]?.GetValue<string>() != encoded)
            {
                data[key] = encoded;
                changed.Add(key);
            }
        }

        if (changed.Count == 0 && current is not null)
        {
            return changed;
        }

        var creating = current is null;
        var (status, body) = creating
            ? await SendAsync(HttpMethod.Post, CollectionPath, secret, cancellationToken)
            : await SendAsync(HttpMethod.Put, ItemPath, secret, cancellationToken);
        EnsureSuccess(status, body, creating ? "create" : "update");
        current = JsonNode.Parse(body) as JsonObject;
        return changed;
    }

    private JsonObject NewSecret() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject
        {
            ["name"] = destination.Name,
            ["namespace"] = environment.Namespace,
            ["labels"] = new JsonObject { ["app.kubernetes.io/component"] = "mcp-tunnel-setup" },
        },
        ["type"] = "Opaque",
        ["data"] = new JsonObject(),
    };

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(environment.ApiUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ReadServiceAccountTokenAsync(cancellationToken));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException exception)
        {
            throw new SetupException($"cannot reach the Kubernetes API at {environment.ApiUrl}: {exception.Message}", "check the pod's network policy and the API server address", innerException: exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SetupException($"the Kubernetes API at {environment.ApiUrl} did not answer in time", "check the pod's network policy and the API server address", innerException: exception);
        }
    }

    private async Task<string> ReadServiceAccountTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(environment.TokenPath, cancellationToken)).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SetupException($"cannot read the service-account token {environment.TokenPath}: {exception.Message}", "mount the service-account token (automountServiceAccountToken: true)", innerException: exception);
        }
    }

    private void EnsureSuccess(HttpStatusCode status, string body, string verb)
    {
        if ((int)status is >= 200 and < 300)
        {
            return;
        }

        var detail = TryStatusMessage(body);
        var message = $"Kubernetes API: {verb} {Describe()} failed: HTTP {(int)status}{(detail is null ? string.Empty : ": " + detail)}";
        var fix = (int)status switch
        {
            401 => "the API server rejected the service-account token: check that the pod's token is mounted and not expired",
            403 => $"the service account needs RBAC get, create and update on secrets in namespace {environment.Namespace} (resourceNames: {destination.Name}); the Helm chart's Role grants them",
            409 => "the Secret changed while setup ran (another setup run?): re-run setup",
            422 => "the Secret was rejected as invalid: check the Secret name",
            _ => null,
        };
        throw new SetupException(message, fix);
    }

    private string Describe() => $"secret {environment.Namespace}/{destination.Name}";

    private static string? TryStatusMessage(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["message"]?.GetValue<string>();
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
