using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.delete {path, recursive?}</c>: a link is removed itself, never followed; a non-empty directory needs recursive.</summary>
public sealed class FsDeleteExecutor(PathGuard guard) : KindExecutor<FsDeleteParameters, FsDeleteResult>(FsDelete.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override Task<FsDeleteResult> RunAsync(FsDeleteParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.ResolveEntry(parameters.Path);
        bool recursive = parameters.Recursive == true;
        var info = new FileInfo(path);
        if (info.LinkTarget is null && !info.Exists && !Directory.Exists(path)) throw TaskFailureException.NotFound($"'{path}' does not exist");
        using var pinned = PinnedPath.Parent(path);
        if (info.LinkTarget is not null || info.Exists)
        {
            File.Delete(pinned.Path);
            context.Report(1, "deleted");
            return Task.FromResult(new FsDeleteResult(path, info.LinkTarget is null ? FsEntryType.File : FsEntryType.Symlink));
        }
        var mounts = Mounts.Read();
        var inside = mounts.FirstOrDefault(m => m.MountPoint == path || m.MountPoint.StartsWith(path + "/", StringComparison.Ordinal));
        if (inside is not null) throw TaskFailureException.Conflict($"'{path}' holds the mount point {inside.MountPoint}; unmount it first");
        if (!recursive && Directory.EnumerateFileSystemEntries(path).Any())
            throw TaskFailureException.Conflict($"directory '{path}' is not empty; pass recursive: true to delete it with everything in it");
        Directory.Delete(pinned.Path, recursive);
        context.Report(1, "deleted");
        return Task.FromResult(new FsDeleteResult(path, FsEntryType.Directory));
    }
}
