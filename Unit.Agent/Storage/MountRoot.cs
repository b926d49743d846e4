using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>Mount points must lie under Agent:MountRoot, after "../" and symlinks are resolved.</summary>
public static class MountRoot
{
    public static string Resolve(string mountRoot, string? mountpoint)
    {
        if (string.IsNullOrWhiteSpace(mountpoint) || mountpoint.Contains('\0') || !Path.IsPathRooted(mountpoint))
            throw TaskFailureException.Invalid($"mount point '{mountpoint}' must be an absolute path under {mountRoot}");
        Directory.CreateDirectory(mountRoot);
        string root = PathGuard.RealPath(Path.GetFullPath(mountRoot));
        string real = PathGuard.RealPath(Path.GetFullPath(mountpoint));
        if (!real.StartsWith(root + "/", StringComparison.Ordinal))
            throw TaskFailureException.Refused($"mount point '{mountpoint}' is outside this unit's mount root {root} (Agent:MountRoot); mount under it, e.g. {root}/data");
        if (real.Any(c => c is ' ' or '\t' or '\n' or '\\'))
            throw TaskFailureException.Invalid($"mount point '{mountpoint}' contains white space or a backslash; fstab and mount tables cannot hold it plainly");
        return real;
    }
}
