using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Ccdsvm.Unit.Agent.Inventory;
using Ccdsvm.Unit.Agent.Monitoring;
using Ccdsvm.Unit.Agent.Security;
using Ccdsvm.Unit.Agent.Storage;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent;

public static class AgentServiceCollectionExtensions
{
    /// <summary>Registers the unit agent: connection to the station, inventory, executors.</summary>
    public static IServiceCollection AddUnitAgent(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>()
            .Bind(configuration.GetSection(AgentOptions.Section))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            return new PathGuard(o.EffectiveRoots, [o.VolumeMountRoot]);
        });
        services.AddSingleton(sp => new NetBackendDetector(sp.GetRequiredService<IOptions<AgentOptions>>().Value.NetworkPersistence));
        services.AddSingleton<InventoryCollector>();
        services.AddSingleton<StorageReader>();
        services.AddSingleton<StorageReporter>();
        services.AddStorageExecutors();
        services.AddDataPlane();
        services.AddAgentMonitoring(configuration);
        if (!OperatingSystem.IsWindows())
        {
            services.AddTaskExecutors();
            // Before the connection starts: network changes a previous run left on probation are undone first.
            services.AddHostedService<Network.NetRollbackRecovery>();
        }
        services.AddSingleton<TaskRunner>();
        services.AddSingleton(sp => new OrderJournal(sp.GetRequiredService<IOptions<AgentOptions>>().Value.EffectiveStateDirectory));
        services.AddSingleton<StationLease>();
        services.AddSingleton<IAgentEnrolment, StoredEnrolment>();
        services.AddSingleton<AgentCredentials>();
        services.AddSingleton<OrderGuard>();
        services.AddSingleton<StationTrust>();
        services.AddSingleton<IStationTransport, DefaultStationTransport>();
        services.AddSingleton<ViewReads>();
        services.AddSingleton<DataServes>();
        services.AddSingleton<StationConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<StationConnection>());
        return services;
    }
}
