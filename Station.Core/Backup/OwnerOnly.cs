namespace Ccdsvm.Station.Core.Backup;

/// <summary>Directories (0700) and files (0600) only their owner reads: backups hold the store and the key ring.</summary>
internal static class OwnerOnly
{
    private const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(path);
        else System.IO.Directory.CreateDirectory(path, Directory);
    }

    /// <summary>A new file (never an existing one) that only its owner may read.</summary>
    public static FileStream CreateNew(string path, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = access };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = File;
        return new FileStream(path, options);
    }

    public static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(file, File);
    }
}
