using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.stat {path}</c> → type, size, mode and times; follows links, which must stay inside the roots.</summary>
public sealed class FsStatExecutor(PathGuard guard) : ITaskExecutor
{
    public string Kind => TaskKinds.FsStat;
    public bool NeedsDedicatedThread => false;

    public Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.RequiredString("path"));
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists) throw new TaskFailure($"'{path}' does not exist");
        context.Report(1, path);
        return Task.FromResult<object?>(new
        {
            path,
            type = info is DirectoryInfo ? "directory" : "file",
            size = info is FileInfo f ? f.Length : 0,
            mode = Convert.ToString((int)info.UnixFileMode, 8).PadLeft(4, '0'),
            modified = info.LastWriteTimeUtc,
            created = info.CreationTimeUtc,
        });
    }
}
