using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>How the file kinds describe an entry: its type and its mode as four octal digits.</summary>
internal static class FsEntries
{
    public static FsEntryType TypeOf(FileSystemInfo info) =>
        info.LinkTarget is not null ? FsEntryType.Symlink : info is DirectoryInfo ? FsEntryType.Directory : FsEntryType.File;

    public static string Mode(FileSystemInfo info) => Convert.ToString((int)info.UnixFileMode, 8).PadLeft(4, '0');
}
