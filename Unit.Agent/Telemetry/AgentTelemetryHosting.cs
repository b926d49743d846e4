using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ccdsvm.Unit.Agent.Telemetry;

public static class AgentTelemetryHosting
{
    /// <summary>The standard OpenTelemetry variable: when it is set, the agent exports over OTLP to that collector.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The standalone agent's telemetry: console log lines show their scopes (a task's TaskId and UnitId); with
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, its task spans, its meter and its logs (scopes included) go over OTLP.
    /// A co-hosted agent is exported by the station instead.
    /// </summary>
    public static HostApplicationBuilder AddAgentTelemetry(this HostApplicationBuilder builder)
    {
        // A named formatter (simple unless the operator chose one, e.g. Logging:Console:FormatterName=json) takes its
        // own options; left unnamed, the console logger would copy its legacy options over them, scopes off.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable])) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("ccdsvm-agent", serviceInstanceId: builder.Configuration["Agent:Name"]))
            .WithTracing(t => t.AddSource(AgentTelemetry.SourceName).AddOtlpExporter())
            .WithMetrics(m => m.AddMeter(AgentTelemetry.MeterName).AddOtlpExporter())
            .WithLogging(l => l.AddOtlpExporter(), o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
            });
        return builder;
    }
}
