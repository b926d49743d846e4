using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ccdsvm.Station.Core.Hubs;
using Ccdsvm.Station.Core.Monitoring;

namespace Ccdsvm.Station.Core.Hosting;

public static class MonitoringExtensions
{
    /// <summary>Metrics ingest, history, viewer counting, alerts and the history maintenance job.</summary>
    public static IServiceCollection AddStationMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MonitoringOptions>().Bind(configuration.GetSection(MonitoringOptions.Section))
            .Validate(o => o.AgentAnswerSeconds > 0, "Station:Monitoring:AgentAnswerSeconds must be positive")
            .ValidateOnStart();
        services.AddSingleton<MetricsStore>();
        services.AddSingleton<Alerts>();
        services.AddSingleton<MetricsIngest>();
        services.AddSingleton<IAgentMetricsLink, HubMetricsLink>();
        services.AddSingleton<MetricsWatch>();
        services.AddSingleton<UnitMetrics>();
        services.AddSingleton<UnitMonitoring>();
        services.AddHostedService<MetricsMaintenance>();
        return services;
    }
}
