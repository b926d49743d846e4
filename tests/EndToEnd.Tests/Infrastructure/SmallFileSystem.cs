namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A small real file system (tmpfs with a size limit, mounted by the test as root) to fill up: the kernel
/// answers ENOSPC exactly as a full disk does. Unmounted and removed on dispose, even after a failure.
/// </summary>
public sealed class SmallFileSystem : IAsyncDisposable
{
    private readonly TempDir? _dir;

    private SmallFileSystem(string path, TempDir? dir) => (Path, _dir) = (path, dir);

    public string Path { get; }

    /// <summary>Mounts a file system of <paramref name="megabytes"/> MiB on the existing directory <paramref name="at"/>.</summary>
    public static async Task<SmallFileSystem> MountAtAsync(int megabytes, string at)
    {
        Needs.Root("this fault test mounts a small tmpfs to fill it up");
        Directory.CreateDirectory(at);
        await HostTool.RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", at);
        return new SmallFileSystem(at, null);
    }

    /// <summary>Mounts a file system of <paramref name="megabytes"/> MiB on a fresh temporary directory.</summary>
    public static async Task<SmallFileSystem> MountAsync(int megabytes, string prefix)
    {
        Needs.Root("this fault test mounts a small tmpfs to fill it up");
        var dir = new TempDir(prefix);
        try
        {
            await HostTool.RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", dir.Path);
            return new SmallFileSystem(dir.Path, dir);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="name"/> until the file system is full; returns its path.</summary>
    public string Fill(string name = "filler")
    {
        string path = System.IO.Path.Combine(Path, name);
        var block = new byte[1 << 16];
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true) f.Write(block);
        }
        catch (IOException) { }
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await HostTool.RunAsync("umount", ["-l", Path], check: false);
        _dir?.Dispose();
    }
}
