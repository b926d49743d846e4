using Ccdsvm.Station.Core.Notifications;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Hosting;

/// <summary>Notifications: the users' centres, what feeds them, the targets, matchers and the delivery queue.</summary>
public static class NotificationExtensions
{
    public static IServiceCollection AddStationNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section))
            .Validate(o => o.Problem() is null, "Station:Notifications: QueueCapacity at least 1, Workers 1-32, Retries 0-10, RetryDelaySeconds not negative, AttemptTimeoutSeconds positive")
            .ValidateOnStart();
        services.AddSingleton<NotificationCentre>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationCentre>());
        services.AddSingleton<NotificationSources>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationSources>());
        // The host's data-protection keys when it set them up (the console does), else the station's keys directory, as TOTP secrets use.
        services.AddSingleton(sp => new NotificationTargets(sp.GetRequiredService<Store.StationDb>(),
            sp.GetService<IDataProtectionProvider>() ?? DataProtectionProvider.Create(
                new DirectoryInfo(Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<StationOptions>>().Value.DataDirectory), "keys")),
                b => b.SetApplicationName(TotpSecrets.ApplicationName)),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<NotificationMatchers>();
        services.AddSingleton<DeliveryWorkers>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorkers>());
        services.AddSingleton<NotificationRouter>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationRouter>());
        return services;
    }
}
