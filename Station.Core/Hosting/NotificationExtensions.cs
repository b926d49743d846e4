using Ccdsvm.Station.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Station.Core.Hosting;

/// <summary>Notifications: the users' centres, what feeds them, and the targets they are delivered to.</summary>
public static class NotificationExtensions
{
    public static IServiceCollection AddStationNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationCentre>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationCentre>());
        services.AddSingleton<NotificationSources>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationSources>());
        return services;
    }
}
