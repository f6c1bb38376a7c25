using Prometheus;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// The admin listener's three paths, read-only and unauthenticated (bind <c>admin_addr</c> to loopback or a pod port
/// only the scraper reaches): <c>/healthz</c> the process answers, <c>/readyz</c> <see cref="Readiness"/>,
/// <c>/metrics</c> the Prometheus text exposition. Anything else is 404; only GET and HEAD.
/// </summary>
internal sealed class AdminEndpoints(Readiness readiness, ProxyMetrics metrics)
{
    public const string MetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

    public async Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }

        switch (context.Request.Path.Value)
        {
            case "/healthz":
                await WriteTextAsync(response, StatusCodes.Status200OK, "ok\n");
                return;
            case "/readyz":
                var reason = readiness.NotReadyReason();
                await WriteTextAsync(response, reason is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, reason is null ? "ready\n" : $"not ready: {reason}\n");
                return;
            case "/metrics":
                response.ContentType = MetricsContentType;
                response.Headers.CacheControl = "no-store";
                await metrics.Registry.CollectAndExportAsTextAsync(response.Body, ExpositionFormat.PrometheusText, context.RequestAborted);
                return;
            default:
                await WriteTextAsync(response, StatusCodes.Status404NotFound, "not found: the admin listener serves /healthz, /readyz and /metrics\n");
                return;
        }
    }

    private static Task WriteTextAsync(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(text);
    }
}
