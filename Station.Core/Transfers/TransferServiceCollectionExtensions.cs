using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Station.Core.Transfers;

public static class TransferServiceCollectionExtensions
{
    /// <summary>Transfer tickets (also the engine's order preparer for data.move) and the data relay.</summary>
    public static IServiceCollection AddTransfers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TransferOptions>()
            .Bind(configuration.GetSection(TransferOptions.Section))
            .Validate(o => o.Problem() is null, "Transfers: Route must be auto, direct or relay; TicketMinutes 1..10080; MaxUploadBytes not negative")
            .ValidateOnStart();
        services.AddSingleton<TransferTickets>();
        services.AddSingleton<IOrderPreparer>(sp => sp.GetRequiredService<TransferTickets>());
        services.AddSingleton<DataRelay>();
        return services;
    }
}
