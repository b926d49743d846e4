namespace Ccdsvm.Shared.Contracts;

/// <summary>Task kind names, <c>area.verb</c>. Public: scripts and the CLI send these strings.</summary>
public static class TaskKinds
{
    public const string FsChecksum = "fs.checksum";
    public const string FsList = "fs.list";
    public const string StorageInventory = "storage.inventory";
    public const string MaintenanceHold = "maintenance.hold";
    public const string DataMove = "data.move";
}
