namespace Ccdsvm.Shared.Contracts;

/// <summary>Task kind names, <c>area.verb</c>. Public: scripts and the CLI send these strings.</summary>
public static class TaskKinds
{
    public const string FsChecksum = "fs.checksum";
    public const string FsList = "fs.list";
    public const string StorageInventory = "storage.inventory";
    public const string MaintenanceHold = "maintenance.hold";
    public const string NetInventory = "net.inventory";
    public const string NetConfigure = "net.configure";
    /// <summary>A login shell on a pseudo-terminal of the unit, its bytes on their own stream.</summary>
    public const string SystemTerminal = "system.terminal";

    public const string StoragePartition = "storage.partition";
    public const string StorageMkfs = "storage.mkfs";
    public const string StorageMount = "storage.mount";
    public const string StorageUnmount = "storage.unmount";
    public const string StorageRaid = "storage.raid";
    public const string StorageVolumeCreate = "storage.volume.create";
    public const string StorageVolumeResize = "storage.volume.resize";
    public const string StorageVolumeDelete = "storage.volume.delete";
    public const string StorageVolumeList = "storage.volume.list";

    public const string FsStat = "fs.stat";
    public const string FsMkdir = "fs.mkdir";
    public const string FsWrite = "fs.write";
    public const string FsRename = "fs.rename";
    public const string FsCopy = "fs.copy";
    public const string FsDelete = "fs.delete";
    public const string FsChmod = "fs.chmod";
    public const string FsChown = "fs.chown";
    public const string DataMove = "data.move";

    /// <summary>A browser download (GET /api/v1/units/{id}/files), run at the station while it streams the file.</summary>
    public const string FilesDownload = "files.download";
    /// <summary>A browser upload (PUT /api/v1/units/{id}/files), run at the station while it streams the file.</summary>
    public const string FilesUpload = "files.upload";

    /// <summary>Users and groups, run at the station.</summary>
    public const string AuthUser = "auth.user";
    /// <summary>Grants and revocations on the ACL, run at the station.</summary>
    public const string AuthGrant = "auth.grant";
    /// <summary>Enrolment tokens and unit revocation, run at the station.</summary>
    public const string AuthEnrol = "auth.enrol";
}
