using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;

namespace Ccdsvm.Unit.Agent.DataPlane;

public static class DataPlaneServiceCollectionExtensions
{
    /// <summary>The data-plane listener (started before the station connection announces it), data.move and fs.write's uploads.</summary>
    public static IServiceCollection AddDataPlane(this IServiceCollection services)
    {
        services.AddSingleton<DataPlaneAddress>();
        services.AddSingleton<SourceFiles>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AgentOptions>>().Value;
            return new UsedTickets(o.EffectiveStateDirectory, TimeSpan.FromMinutes(o.TransferSessionIdleMinutes));
        });
        services.AddSingleton<Connection.StationCalls>();
        services.AddSingleton<ITerminalStreams>(sp => sp.GetRequiredService<Connection.StationCalls>());
        services.AddSingleton<UnitCertificate>();
        services.AddSingleton<DataPlaneClients>();
        services.AddSingleton<DataPlaneHandlers>();
        services.AddSingleton<ServiceHandlers>();
        services.AddSingleton<DataPlaneServer>();
        services.AddHostedService(sp => sp.GetRequiredService<DataPlaneServer>());
        services.AddSingleton<StationUploads>();
        return services;
    }
}
