using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.list {path}</c> → entries with name, type, size, mode and modification time.</summary>
public sealed class FsListExecutor(PathGuard guard) : ITaskExecutor
{
    public string Kind => TaskKinds.FsList;
    public bool NeedsDedicatedThread => false;

    public Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.RequiredString("path"));
        var dir = new DirectoryInfo(path);
        if (!dir.Exists)
            throw new TaskFailure(File.Exists(path) ? $"'{path}' is a file; fs.list needs a directory" : $"'{path}' does not exist");

        var entries = new List<object>();
        foreach (var info in dir.EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string type = info.LinkTarget is not null ? "symlink" : info is DirectoryInfo ? "directory" : "file";
            long size = info is FileInfo f && type == "file" ? f.Length : 0;
            entries.Add(new
            {
                name = info.Name,
                type,
                size,
                mode = Convert.ToString((int)info.UnixFileMode, 8).PadLeft(4, '0'),
                modified = info.LastWriteTimeUtc,
                linkTarget = info.LinkTarget,
            });
        }
        context.Report(1, $"{entries.Count} entries");
        return Task.FromResult<object?>(new { path, entries });
    }
}
