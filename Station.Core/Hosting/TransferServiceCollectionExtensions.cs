using Microsoft.Extensions.DependencyInjection.Extensions;
using Ccdsvm.Station.Core.Uploads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Volumes;

namespace Ccdsvm.Station.Core.Hosting;

public static class TransferServiceCollectionExtensions
{
    /// <summary>
    /// Transfer tickets, the data relay and the upload store; the engine's order preparer completes data.move
    /// (a ticket to the source), fs.write with an uploadId (a ticket to the upload) and system.terminal (the recording policy).
    /// </summary>
    public static IServiceCollection AddTransfers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TransferOptions>()
            .Bind(configuration.GetSection(TransferOptions.Section))
            .Validate(o => o.Problem() is null, "Transfers: Route must be auto, direct or relay; TicketMinutes and UploadMinutes 1..10080; MaxUploadBytes not negative")
            .ValidateOnStart();
        services.AddSingleton<DataPlanePolicy>();
        services.AddSingleton<TransferTickets>();
        services.AddSingleton<SourceDeletions>();
        services.AddSingleton<UploadStore>();
        services.AddSingleton<UploadOrders>();
        services.AddHostedService<UploadSweeper>();
        services.AddSingleton<Volumes.VolumeQuotas>();
        services.AddSingleton<Tasks.MountPolicy>();
        services.AddSingleton<Terminals.TerminalRecordingPolicy>();
        services.AddSingleton<IOrderPreparer>(sp => new OrderPreparers(sp.GetRequiredService<TransferTickets>(), sp.GetRequiredService<UploadOrders>(),
            sp.GetRequiredService<Volumes.VolumeQuotas>(), sp.GetRequiredService<Tasks.MountPolicy>(), sp.GetRequiredService<Terminals.TerminalRecordingPolicy>()));
        services.AddSingleton<DataRelay>();
        // Reads of units below a mid station, or above this one (README, "Layered stations").
        services.AddSingleton<DataRendezvous>();
        services.AddSingleton<UpstreamTransfers>();
        services.TryAddSingleton<IUpstreamData, NoUpstreamData>();
        services.AddSingleton<IUnitDataLink, Hubs.HubDataLink>();
        // Browser downloads and uploads run as tasks at the station while their request streams.
        services.AddSingleton<BrowserTransfers>();
        services.AddSingleton<Tasks.IStationExecutor>(sp => new BrowserTransferExecutor(Shared.Contracts.TaskKinds.FilesDownload, sp.GetRequiredService<BrowserTransfers>()));
        services.AddSingleton<Tasks.IStationExecutor>(sp => new BrowserTransferExecutor(Shared.Contracts.TaskKinds.FilesUpload, sp.GetRequiredService<BrowserTransfers>()));
        return services;
    }
}
