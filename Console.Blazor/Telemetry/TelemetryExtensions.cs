using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Telemetry;
using Ccdsvm.Unit.Agent.Telemetry;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ccdsvm.Console.Blazor.Telemetry;

/// <summary>
/// The station's OpenTelemetry: metrics always (scraped by Prometheus at <c>/metrics</c>, admins only, and pushed over
/// OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set); traces of REST calls and tasks (the station's spans and the
/// co-hosted agent's) when the OTLP endpoint is set or <c>Station:Telemetry:Tracing</c> is true; logs over OTLP, with
/// their scopes, when the endpoint is set. Console log lines show their scopes (a task's TaskId and UnitId).
/// </summary>
public static class TelemetryExtensions
{
    public const string ScrapePath = "/metrics";
    public const string ScrapePolicy = "metrics-scrape";
    /// <summary>The .NET meter of SignalR's connections (<c>signalr.server.active_connections</c>, …).</summary>
    public const string SignalRMeter = "Microsoft.AspNetCore.Http.Connections";

    public static WebApplicationBuilder AddStationTelemetry(this WebApplicationBuilder builder)
    {
        bool otlp = !string.IsNullOrWhiteSpace(builder.Configuration[AgentTelemetryHosting.OtlpEndpointVariable]);
        bool tracing = builder.Configuration.GetValue("Station:Telemetry:Tracing", otlp);
        // A named formatter (simple unless the operator chose one, e.g. Logging:Console:FormatterName=json) takes its
        // own options; left unnamed, the console logger would copy its legacy options over them, scopes off.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("ccdsvm-station"))
            .WithMetrics(m =>
            {
                m.AddMeter(StationMetrics.MeterName, AgentTelemetry.MeterName, SignalRMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter();
                if (otlp) m.AddOtlpExporter();
            });
        if (tracing)
        {
            otel.WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments(ScrapePath))
                    .AddSource(StationTelemetry.SourceName, AgentTelemetry.SourceName);
                if (otlp) t.AddOtlpExporter();
            });
        }
        if (otlp)
        {
            otel.WithLogging(l => l.AddOtlpExporter(), o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
            });
        }

        // Only an administrator (console session or bearer token) reads the scrape; Prometheus sends an admin's token.
        builder.Services.AddAuthorizationBuilder().AddPolicy(ScrapePolicy, p => p
            .AddAuthenticationSchemes(AuthExtensions.UserScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => ctx.Resource is HttpContext http
                && ctx.User.ToCaller(http.RequestServices.GetRequiredService<AccessControl>())?.IsAdmin == true));
        return builder;
    }

    /// <summary>GET /metrics: the Prometheus text of every meter above; 401 without credentials, 403 for a non-admin.</summary>
    public static IEndpointRouteBuilder MapMetricsScrape(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(ScrapePath).RequireAuthorization(ScrapePolicy);
        return endpoints;
    }
}
