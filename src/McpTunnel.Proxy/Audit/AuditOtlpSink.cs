using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace McpTunnel.Proxy.Audit;

/// <summary>
/// Audit records as OpenTelemetry log records over OTLP, through the OpenTelemetry .NET logs exporter: each record's
/// line (hashes and all, the same bytes the file holds) is the log record's body, with the request's route, MCP method
/// and decision as attributes for searching. Where they go is the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> /
/// <c>OTEL_EXPORTER_OTLP_LOGS_ENDPOINT</c> and their siblings, read by the SDK. The SDK's batch processor queues and
/// exports in the background, so a slow or absent collector never holds the audit writer.
/// </summary>
internal sealed class AuditOtlpSink : IDisposable
{
    public const string Category = "McpTunnel.Audit";

    private readonly ILoggerFactory _factory;
    private readonly ILogger _logger;

    public AuditOtlpSink(IReadOnlyDictionary<string, string?> environment, string version)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(environment).Build();
        _factory = LoggerFactory.Create(logging =>
        {
            logging.Services.AddSingleton<IConfiguration>(configuration);
            logging.AddOpenTelemetry(options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = false;
                options.ParseStateValues = true;
                if (!environment.ContainsKey("OTEL_SERVICE_NAME"))
                {
                    options.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("mcp-proxy", serviceVersion: version));
                }

                options.AddOtlpExporter();
            });
        });
        _logger = _factory.CreateLogger(Category);
    }

    public void Write(ReadOnlySpan<byte> line, string type, string? route, string? mcpMethod, string? decision)
    {
        AuditOtlpLog.Record(_logger, Encoding.UTF8.GetString(line), type, route ?? "", mcpMethod ?? "", decision ?? "");
    }

    /// <summary>Flushes what the exporter still holds (at shutdown), then stops it.</summary>
    public void Dispose() => _factory.Dispose();
}

/// <summary>The log record: the line is the body; the other parameters become attributes (hence SYSLIB1015 is off here).</summary>
#pragma warning disable SYSLIB1015
internal static partial class AuditOtlpLog
{
    [LoggerMessage(1, LogLevel.Information, "{audit_record}")]
    public static partial void Record(ILogger logger, string audit_record, string audit_type, string mcptunnel_route, string mcp_method_name, string mcptunnel_policy_decision);
}
#pragma warning restore SYSLIB1015
