using Ccdsvm.Unit.Agent.Executors;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>Every executor the agent has, one line each: a new kind adds its line here.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class ExecutorRegistrations
{
    public static IServiceCollection AddTaskExecutors(this IServiceCollection services)
    {
        services.AddSingleton<ITaskExecutor, DataMoveExecutor>();
        services.AddSingleton<ITaskExecutor, FsChecksumExecutor>();
        services.AddSingleton<ITaskExecutor, FsChmodExecutor>();
        services.AddSingleton<ITaskExecutor, FsChownExecutor>();
        services.AddSingleton<ITaskExecutor, FsCopyExecutor>();
        services.AddSingleton<ITaskExecutor, FsDeleteExecutor>();
        services.AddSingleton<ITaskExecutor, FsListExecutor>();
        services.AddSingleton<ITaskExecutor, FsMkdirExecutor>();
        services.AddSingleton<ITaskExecutor, FsRenameExecutor>();
        services.AddSingleton<ITaskExecutor, FsStatExecutor>();
        services.AddSingleton<ITaskExecutor, FsWriteExecutor>();
        services.AddSingleton<ITaskExecutor, MaintenanceHoldExecutor>();
        services.AddSingleton<ITaskExecutor, ProcessReniceExecutor>();
        services.AddSingleton<ITaskExecutor, ProcessSignalExecutor>();
        services.AddSingleton<ITaskExecutor, StorageInventoryExecutor>();
        services.AddSingleton<ITaskExecutor, SystemTerminalExecutor>();
        services.AddSingleton<ITaskExecutor, NetInventoryExecutor>();
        services.AddSingleton<Network.NetConfirmations>();
        services.AddSingleton(sp => new Network.PendingRollbacks(Path.Combine(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AgentOptions>>().Value.EffectiveStateDirectory, "network")));
        services.AddSingleton(sp => new Network.NetPersistence(sp.GetRequiredService<Inventory.NetBackendDetector>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AgentOptions>>().Value.NetworkdDirectory));
        services.AddSingleton<ITaskExecutor>(sp => new NetConfigureExecutor(sp.GetRequiredService<Network.NetConfirmations>(), pending: sp.GetRequiredService<Network.PendingRollbacks>(),
            persistence: sp.GetRequiredService<Network.NetPersistence>()));
        services.AddSingleton<ITaskExecutor, StorageMkfsExecutor>();
        services.AddSingleton<ITaskExecutor, StorageMountExecutor>();
        services.AddSingleton<ITaskExecutor, StoragePartitionExecutor>();
        services.AddSingleton<ITaskExecutor, StorageRaidExecutor>();
        services.AddSingleton<ITaskExecutor, StorageUnmountExecutor>();
        services.AddSingleton<ITaskExecutor, StorageVolumeCreateExecutor>();
        services.AddSingleton<ITaskExecutor, StorageVolumeDeleteExecutor>();
        services.AddSingleton<ITaskExecutor, StorageVolumeListExecutor>();
        services.AddSingleton<ITaskExecutor, StorageVolumeResizeExecutor>();
        return services;
    }
}
