using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.list {path}</c> → entries with name, type, size, mode and modification time.</summary>
public sealed class FsListExecutor(PathGuard guard) : KindExecutor<FsListParameters, FsListResult>(FsList.Contract)
{
    public override bool NeedsDedicatedThread => false;

    protected override Task<FsListResult> RunAsync(FsListParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.Path);
        var dir = new DirectoryInfo(path);
        if (!dir.Exists)
            throw File.Exists(path) ? TaskFailureException.Invalid($"'{path}' is a file; fs.list needs a directory") : TaskFailureException.NotFound($"'{path}' does not exist");

        var entries = new List<FsListEntry>();
        foreach (var info in dir.EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var type = FsEntries.TypeOf(info);
            long size = info is FileInfo f && type == FsEntryType.File ? f.Length : 0;
            entries.Add(new FsListEntry(info.Name, type, size, FsEntries.Mode(info), info.LastWriteTimeUtc, info.LinkTarget));
        }
        context.Report(1, $"{entries.Count} entries");
        return Task.FromResult(new FsListResult(path, entries));
    }
}
