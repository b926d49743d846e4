namespace Ccdsvm.TestSupport;

/// <summary>
/// What a test needs from the host, checked before it starts anything: a test that cannot run fails at once with
/// one plain sentence that says what is missing and how to get it, never with a tool's own error halfway through.
/// <c>./test</c> at the repository root installs the packages (as root) before it runs <c>dotnet test</c>.
/// </summary>
public static class Needs
{
    /// <summary>Debian's Chromium, which Playwright drives (never a downloaded browser).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// The Debian package of each host tool the tests drive. <c>./test</c> lists the same pairs; a repository rule
    /// (RepositoryRulesTests) keeps the two lists the same.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Packages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["chromium"] = "chromium",
        ["sfdisk"] = "fdisk",
        ["losetup"] = "mount",
        ["mount"] = "mount",
        ["umount"] = "mount",
        ["blkid"] = "util-linux",
        ["lsblk"] = "util-linux",
        ["wipefs"] = "util-linux",
        ["mkfs.ext4"] = "e2fsprogs",
        ["resize2fs"] = "e2fsprogs",
        ["e2fsck"] = "e2fsprogs",
        ["mkfs.btrfs"] = "btrfs-progs",
        ["btrfs"] = "btrfs-progs",
        ["mkfs.xfs"] = "xfsprogs",
        ["xfs_growfs"] = "xfsprogs",
        ["mdadm"] = "mdadm",
        ["faketime"] = "faketime",
        ["dpkg-deb"] = "dpkg",
        ["dpkg"] = "dpkg",
        ["useradd"] = "passwd",
        ["systemd-analyze"] = "systemd",
        ["systemctl"] = "systemd",
        ["ip"] = "iproute2",
    };

    /// <summary>The storage tools a test that partitions, formats and mounts loop devices runs (the md RAID test checks mdadm itself).</summary>
    public static readonly IReadOnlyList<string> StorageTools =
        ["sfdisk", "losetup", "mount", "umount", "blkid", "lsblk", "wipefs", "mkfs.ext4", "resize2fs", "e2fsck", "mkfs.btrfs", "btrfs", "mkfs.xfs", "xfs_growfs"];

    private static readonly string[] SbinDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    /// <summary>Fails unless the test runs as root; <paramref name="why"/> says what it does that needs root.</summary>
    public static void Root(string why)
    {
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException(
                $"needs root: {why}. This run is not root ({Environment.UserName}); run 'sudo ./test' from the repository root, as CI does.");
    }

    /// <summary>Root and every storage tool: the test makes loop devices and partitions, formats and mounts them.</summary>
    public static void RootAndStorageTools(string why)
    {
        Root(why);
        Tools(StorageTools);
    }

    /// <summary>Fails naming each missing tool and its Debian package unless every one of <paramref name="tools"/> is installed.</summary>
    public static void Tools(IEnumerable<string> tools)
    {
        var missing = tools.Where(t => Find(t) is null).ToList();
        if (missing.Count == 0) return;
        string Package(string tool) => Packages.TryGetValue(tool, out var package) ? package : "?";
        throw new InvalidOperationException(
            $"needs {string.Join(", ", missing.Select(t => $"{t} (Debian package {Package(t)})"))}, not installed here: run ./test from the "
            + $"repository root, which installs what is missing as root (apt-get install -y --no-install-recommends {string.Join(' ', missing.Select(Package).Distinct())}).");
    }

    /// <summary>The Chromium executable, or a failure naming the package and <c>./test</c>.</summary>
    public static string Chromium()
    {
        if (!IsExecutable(ChromiumPath))
            throw new InvalidOperationException(
                $"needs Chromium at {ChromiumPath} (Debian package chromium), which is not installed: run ./test from the repository root, "
                + "which installs it as root (apt-get install -y --no-install-recommends chromium); never run 'playwright install'.");
        return ChromiumPath;
    }

    /// <summary>
    /// Where <paramref name="tool"/> is, as an executable file, on PATH or in the sbin directories (where Debian keeps the
    /// storage tools), or null.
    /// </summary>
    public static string? Find(string tool)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(SbinDirectories).Select(d => Path.Combine(d, tool)).FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string file) =>
        !OperatingSystem.IsWindows() && File.Exists(file)
        && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
