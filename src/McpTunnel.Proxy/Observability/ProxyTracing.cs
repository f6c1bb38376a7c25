using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace McpTunnel.Proxy.Observability;

/// <summary>
/// OTLP trace export, configured only by the standard <c>OTEL_*</c> environment variables and off unless they ask for
/// it: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> set, or
/// <c>OTEL_TRACES_EXPORTER=otlp</c>; <c>OTEL_SDK_DISABLED=true</c> or <c>OTEL_TRACES_EXPORTER=none</c> turn it off.
/// The rest (protocol, headers, timeouts, batch sizes, sampler, service name, resource attributes) is the
/// OpenTelemetry SDK's own reading of the same variables.
/// </summary>
internal static class ProxyTracing
{
    public const string SourceName = "McpTunnel.Proxy";

    public static readonly ActivitySource Source = new(SourceName, typeof(ProxyTracing).Assembly.GetName().Version?.ToString(3));

    public static bool IsRequested(IReadOnlyDictionary<string, string?> environment)
    {
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        if (string.Equals(Get("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return Get("OTEL_TRACES_EXPORTER") is { } exporter
            ? exporter.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.OrdinalIgnoreCase)
            : Get("OTEL_EXPORTER_OTLP_ENDPOINT") is not null || Get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is not null;
    }

    /// <summary>The tracer provider, or null when tracing was not asked for. Disposing it flushes pending spans.</summary>
    public static TracerProvider? Start(IReadOnlyDictionary<string, string?> environment)
    {
        if (!IsRequested(environment))
        {
            return null;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(environment).Build();
        var version = typeof(ProxyTracing).Assembly.GetName().Version?.ToString(3);
        return Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton<IConfiguration>(configuration))
            .ConfigureResource(resource =>
            {
                if (!environment.ContainsKey("OTEL_SERVICE_NAME"))
                {
                    resource.AddService("mcp-proxy", serviceVersion: version);
                }
            })
            .AddSource(SourceName)
            .AddOtlpExporter()
            .Build();
    }

    /// <summary>The process's <c>OTEL_*</c> variables (what <c>mcp-proxy</c> uses; tests pass their own).</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                result[key] = entry.Value as string;
            }
        }

        return result;
    }
}
