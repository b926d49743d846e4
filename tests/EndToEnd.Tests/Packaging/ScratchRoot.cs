namespace Ccdsvm.EndToEnd.Tests.Packaging;

/// <summary>
/// An empty root directory to install packages into with <c>dpkg --root=DIR --force-script-chrootless</c>: dpkg runs the
/// maintainer scripts on the host with DPKG_ROOT=DIR, and they make users, directories and service links under DIR.
/// It holds a dpkg database and an /etc/passwd, group, shadow and gshadow with root alone; dependencies are the host's
/// business (--force-depends), the packages' own files are what is checked.
/// </summary>
public sealed class ScratchRoot : IDisposable
{
    private readonly TempDir _dir = new("scratch-root");

    public ScratchRoot()
    {
        _dir.CreateDirectory("var", "lib", "dpkg", "info");
        _dir.CreateDirectory("var", "lib", "dpkg", "updates");
        File.WriteAllText(Path("var/lib/dpkg/status"), "");
        File.WriteAllText(Path("var/lib/dpkg/available"), "");
        _dir.CreateDirectory("etc");
        File.WriteAllText(Path("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        File.WriteAllText(Path("etc/group"), "root:x:0:\n");
        File.WriteAllText(Path("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        File.WriteAllText(Path("etc/gshadow"), "root:*::\n");
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("dpkg scratch roots need Linux");
        File.SetUnixFileMode(Path("etc/shadow"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(Path("etc/gshadow"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public string Root => _dir.Path;

    /// <summary>The host path of <paramref name="inRoot"/> (e.g. "var/lib/ccdsvm") inside this root.</summary>
    public string Path(string inRoot) => System.IO.Path.Combine(_dir.Path, inRoot.TrimStart('/'));

    /// <summary>dpkg against this root (-i FILE, -r NAME, -P NAME …); fails with its output unless it exits 0.</summary>
    public Task<CommandResult> DpkgAsync(params string[] args) =>
        HostCommand.CheckAsync("dpkg", [$"--root={Root}", "--force-script-chrootless", "--force-depends", .. args]);

    /// <summary>The line of <paramref name="name"/> in this root's /etc/passwd (or group), or null.</summary>
    public string? Entry(string file, string name) =>
        File.ReadAllLines(Path("etc/" + file)).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    /// <summary>Owner uid and octal mode as stat shows them, e.g. "999 750".</summary>
    public static async Task<string> OwnerAndModeAsync(string path) =>
        (await HostCommand.CheckAsync("stat", ["-c", "%u %a", path])).Stdout.Trim();

    public void Dispose() => _dir.Dispose();
}
