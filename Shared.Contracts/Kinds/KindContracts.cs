namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>Every kind contract, for code that handles kinds it does not run (the CLI, a parent station, OpenAPI).</summary>
public static class KindContracts
{
    public static IReadOnlyList<IKindContract> All { get; } =
    [
        FsChecksum.Contract,
        FsList.Contract,
        FsStat.Contract,
        FsMkdir.Contract,
        FsWrite.Contract,
        FsRename.Contract,
        FsCopy.Contract,
        FsDelete.Contract,
        FsChmod.Contract,
        FsChown.Contract,
        StorageInventory.Contract,
        NetInventory.Contract,
        NetConfigure.Contract,
        MaintenanceHold.Contract,
        ProcessSignal.Contract,
        ProcessRenice.Contract,
        SystemTerminal.Contract,
        StoragePartition.Contract,
        StorageMkfs.Contract,
        StorageMount.Contract,
        StorageUnmount.Contract,
        StorageRaid.Contract,
        StorageVolumeCreate.Contract,
        StorageVolumeResize.Contract,
        StorageVolumeDelete.Contract,
        StorageVolumeList.Contract,
        DataMove.Contract,
        FilesDownload.Contract,
        FilesUpload.Contract,
        AuthUser.Contract,
        AuthGrant.Contract,
        AuthEnrol.Contract,
    ];

    private static readonly Dictionary<string, IKindContract> ByKind = All.ToDictionary(c => c.Kind, StringComparer.Ordinal);

    public static bool TryGet(string kind, out IKindContract contract) => ByKind.TryGetValue(kind, out contract!);
}
