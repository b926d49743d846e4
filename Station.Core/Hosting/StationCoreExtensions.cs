using Ccdsvm.Station.Core.Hubs;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Volumes;

namespace Ccdsvm.Station.Core.Hosting;

public static class StationCoreExtensions
{
    /// <summary>The station's brain: store, users, units, lock manager, task engine and the agent hub.</summary>
    public static IServiceCollection AddStationCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StationOptions>()
            .Bind(configuration.GetSection(StationOptions.Section))
            .Validate(o => o.MaxTasks >= 0 && o.MaxTasksPerUser >= 0, "Station:MaxTasks and Station:MaxTasksPerUser must not be negative")
            .Validate(o => o.RecoveryGraceSeconds > 0, "Station:RecoveryGraceSeconds must be positive")
            .Validate(o => o.LeaseMarginSeconds >= 0,
                "Station:LeaseMarginSeconds must be at least 0 (a unit's lease is the grace less the margin, at most half the grace)")
            .Validate(o => o.OrderReceiptSeconds is >= 1 and <= 3600, "Station:OrderReceiptSeconds must be between 1 and 3600")
            .Validate(o => o.TicketLifetimeSeconds is >= 10 and <= 3600, "Station:TicketLifetimeSeconds must be between 10 and 3600")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var db = new StationDb(sp.GetRequiredService<IOptions<StationOptions>>());
            using var c = db.Open();
            Migrations.Apply(c);
            return db;
        });
        services.AddSingleton<StoreHealth>();
        services.AddSingleton<StationKeys>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<AccessControl>();
        services.AddSingleton<PendingPasswords>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<UserAdmin>();
        services.AddSingleton<IStationExecutor, UserTaskExecutor>();
        services.AddSingleton<IStationExecutor, GrantTaskExecutor>();
        services.AddSingleton<EnrolTaskExecutor>();
        services.AddSingleton<IStationExecutor>(sp => sp.GetRequiredService<EnrolTaskExecutor>());
        services.AddSingleton<UnitEnrolment>();
        services.AddSingleton<UnitTickets>();
        services.AddSingleton<AgentConnections>();
        services.AddSingleton<Terminals.TerminalRelay>();
        services.AddSingleton<IUnitConnections>(sp => sp.GetRequiredService<AgentConnections>());
        services.AddSingleton<UnitCredentials>();
        services.AddSingleton<Enrolments>();
        services.AddSingleton<UserService>();
        services.AddSingleton<UnitRegistry>();
        services.AddSingleton<UnitDirectory>();
        services.AddSingleton<UnitTree>();
        services.AddSingleton<UnitStorage>();
        services.AddSingleton<IAgentStorageLink, HubStorageLink>();
        services.AddSingleton<UnitReads>();
        services.AddSingleton<IAgentReadLink, HubReadLink>();
        services.AddSingleton<UnitServices>();
        services.AddSingleton<LockManager>();
        services.AddSingleton(_ => new TaskKindCatalog());
        services.AddSingleton<TaskNotifier>();
        // The console-facing task hub: followed tasks' changes pushed to the CLI.
        services.AddSingleton<Hubs.TaskFollowers>();
        services.AddSingleton<Hubs.TaskWatchers>();
        services.AddHostedService<Hubs.TaskEventRelay>();
        services.AddSingleton<IAgentDispatcher, HubDispatcher>();
        services.AddTransfers(configuration);
        services.AddOptions<Security.Tls.TlsOptions>().Bind(configuration.GetSection(Security.Tls.TlsOptions.Section));
        // The CA is made by the host that serves HTTPS (the console); without it no unit certificates are issued.
        services.AddSingleton(sp => new Security.Tls.UnitCertificateIssuer(
            sp.GetService<Security.Tls.StationCertificateAuthority>(), sp.GetRequiredService<IOptions<Security.Tls.TlsOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Telemetry.StationMetrics>();
        services.AddSingleton<TaskEngine>();
        services.AddSingleton<TaskConfirmations>();
        services.AddSingleton<NetAddressBook>();
        services.AddSingleton<Network.NetStaging>();
        services.AddHostedService<EngineTicker>();
        services.AddSingleton<Bulk.BulkRollouts>();
        services.AddSingleton<Bulk.BulkPreviews>();
        services.AddHostedService(sp => sp.GetRequiredService<Bulk.BulkRollouts>());
        services.AddSingleton<Schedules.ScheduleService>();
        services.AddHostedService(sp => sp.GetRequiredService<Schedules.ScheduleService>());
        services.AddHostedService<Volumes.VolumeLedger>();
        services.AddStationMonitoring(configuration);
        services.AddStationNotifications(configuration);
        services.AddOptions<Backup.BackupOptions>().Bind(configuration.GetSection(Backup.BackupOptions.Section))
            .Validate(o => o.Problem() is null, "Station:Backup: IntervalHours must be 0 (off) or more, Keep at least 1, Iterations at least 600000")
            .ValidateOnStart();
        services.AddSingleton<Backup.StoreBackup>();
        services.AddHostedService<Backup.BackupSchedule>();

        services.AddSingleton<AdmissionLimits>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AgentKeyAuthentication>(AgentKeyAuthentication.SchemeName, null);
        // The filter is registered for every hub (it passes the console's circuit hub through untouched): registered
        // on HubOptions<AgentHub> alone it was never in effect (found by the fuzz, issue 16.3).
        // AddHubOptions<AgentHub> registers SignalR's setup of HubOptions<AgentHub> (it copies the global options and
        // filters over them and marks them as set): without it the hub ran on the global options, so the size limit and
        // MessagePack-only below were never in effect, and an agent's result over 32 KB (a listing of ~270 entries)
        // closed its connection again at every reconnect, leaving the unit offline (found by the stalled-circuit test, issue 16.2).
        services.AddSignalR(o => o.AddFilter<AgentHubFilter>()).AddMessagePackProtocol().AddHubOptions<AgentHub>(_ => { });
        // PostConfigure: after SignalR's own setup of HubOptions<AgentHub>, which copies the global options over it.
        services.AddOptions<Microsoft.AspNetCore.SignalR.HubOptions<AgentHub>>()
            .PostConfigure<IOptions<StationOptions>>((hub, station) =>
            {
                hub.MaximumReceiveMessageSize = station.Value.MaxHubMessageBytes;
                // MessagePack only: the agent protocol is binary and strongly typed.
                hub.SupportedProtocols = ["messagepack"];
            });
        return services;
    }

    /// <summary>
    /// Maps the console-facing task hub at /hubs/tasks; the host requires its API's authentication on the returned
    /// builder (Station.Core knows no schemes).
    /// </summary>
    public static HubEndpointConventionBuilder MapTaskHub(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHub<TaskHub>(Shared.Contracts.TaskHubNames.Path);

    /// <summary>Maps the agent hub at /hubs/agent.</summary>
    public static IEndpointRouteBuilder MapAgentHub(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<AgentHub>(Shared.Contracts.HubPaths.Agent);
        return endpoints;
    }
}
