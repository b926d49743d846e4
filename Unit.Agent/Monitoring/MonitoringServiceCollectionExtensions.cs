using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;

namespace Ccdsvm.Unit.Agent.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>Host sampling, metrics streaming and the process task executors.</summary>
    public static IServiceCollection AddAgentMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(AgentOptions.Section))
            .Validate(o => o.MetricsInterval >= TimeSpan.FromMilliseconds(100), "Agent:MetricsInterval must be at least 00:00:00.1")
            .ValidateOnStart();
        services.AddSingleton<ProcessScanner>();
        services.AddSingleton(sp => new SystemSampler(sp.GetRequiredService<ProcessScanner>()));
        services.AddSingleton<MetricsStreamer>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsStreamer>());
        return services;
    }
}
