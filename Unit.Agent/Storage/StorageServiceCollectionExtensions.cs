using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;

namespace Ccdsvm.Unit.Agent.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Storage and file-system executors with the device guard and loop mapper they share.</summary>
    public static IServiceCollection AddStorageExecutors(this IServiceCollection services)
    {
        services.AddSingleton<LoopMapper>();
        services.AddSingleton<DevicePolicy>();
        // Block devices, mount tables and Unix modes are Linux matters; elsewhere these kinds stay unknown.
        if (!OperatingSystem.IsLinux()) return services;
        services.AddSingleton<DeviceGuard>();
        services.AddHostedService<LoopSweeper>();
        services.AddSingleton<VolumeStore>();
        return services;
    }
}
