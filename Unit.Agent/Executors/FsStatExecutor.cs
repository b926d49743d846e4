using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.stat {path}</c> → type, size, mode and times; follows links, which must stay inside the roots.</summary>
public sealed class FsStatExecutor(PathGuard guard) : KindExecutor<FsStatParameters, FsStatResult>(FsStat.Contract)
{
    public override bool NeedsDedicatedThread => false;

    protected override Task<FsStatResult> RunAsync(FsStatParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.Path);
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists) throw TaskFailureException.NotFound($"'{path}' does not exist");
        context.Report(1, path);
        return Task.FromResult(new FsStatResult(path, info is DirectoryInfo ? FsEntryType.Directory : FsEntryType.File,
            info is FileInfo f ? f.Length : 0, FsEntries.Mode(info), info.LastWriteTimeUtc, info.CreationTimeUtc));
    }
}
