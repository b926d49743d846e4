using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>File work under a unit's roots: reads lock their path shared, writes exclusive.</summary>
public static class FileKinds
{
    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        var path = new ParameterSpec("path", ParameterType.String, true, "absolute path inside one of the unit's roots", Example: "/srv/data/file.txt");
        var recursive = new ParameterSpec("recursive", ParameterType.Boolean, false, "include everything inside a directory");
        var from = new ParameterSpec("from", ParameterType.String, true, "absolute source path inside one of the unit's roots");
        var to = new ParameterSpec("to", ParameterType.String, true, "absolute destination path inside one of the unit's roots; must not exist");

        yield return new TaskKindDefinition(TaskKinds.FsStat, "File or directory details", "Task.fs.stat", 1, false, [path],
            (unit, p) => [Lock(unit, p, "path", LockMode.Shared)]);

        yield return new TaskKindDefinition(TaskKinds.FsMkdir, "Create a directory", "Task.fs.mkdir", 1, false,
            [path, new ParameterSpec("parents", ParameterType.Boolean, false, "create missing parent directories too")],
            (unit, p) => [Lock(unit, p, "path", LockMode.Exclusive)]);

        yield return new TaskKindDefinition(TaskKinds.FsWrite, "Write a text file", "Task.fs.write", 1, false,
            [path, new ParameterSpec("content", ParameterType.String, true, "text to write (UTF-8)"), new ParameterSpec("overwrite", ParameterType.Boolean, false, "replace an existing file")],
            (unit, p) => [Lock(unit, p, "path", LockMode.Exclusive)])
        { Rules = p => p.GetProperty("content").GetString()!.Length > 16 * 1024 * 1024 ? "content is longer than 16 MiB; copy large files instead" : null };

        yield return new TaskKindDefinition(TaskKinds.FsRename, "Rename or move within a file system", "Task.fs.rename", 1, false, [from, to],
            (unit, p) => [Lock(unit, p, "from", LockMode.Exclusive), Lock(unit, p, "to", LockMode.Exclusive)]);

        yield return new TaskKindDefinition(TaskKinds.FsCopy, "Copy a file or directory", "Task.fs.copy", 2, false, [from, to, recursive],
            // The source is only read: shared, released when stage 1 (source read) ends.
            (unit, p) => [Lock(unit, p, "from", LockMode.Shared, 1), Lock(unit, p, "to", LockMode.Exclusive)]);

        yield return new TaskKindDefinition(TaskKinds.FsDelete, "Delete a file or directory", "Task.fs.delete", 1, true, [path, recursive],
            (unit, p) => [Lock(unit, p, "path", LockMode.Exclusive)]);

        yield return new TaskKindDefinition(TaskKinds.FsChmod, "Change permissions", "Task.fs.chmod", 1, false,
            [path, new ParameterSpec("mode", ParameterType.String, true, "octal mode, 3 or 4 digits", Example: "0640")],
            (unit, p) => [Lock(unit, p, "path", LockMode.Exclusive)])
        { Rules = p => Str(p, "mode") is { Length: 3 or 4 } m && m.All(c => c is >= '0' and <= '7') ? null : $"parameter 'mode' must be 3 or 4 octal digits such as \"0640\"; got '{Str(p, "mode")}'" };

        yield return new TaskKindDefinition(TaskKinds.FsChown, "Change owner", "Task.fs.chown", 1, false,
            [path, new ParameterSpec("user", ParameterType.String, false, "new owner (name or number)"), new ParameterSpec("group", ParameterType.String, false, "new group (name or number)")],
            (unit, p) => [Lock(unit, p, "path", LockMode.Exclusive)])
        { Rules = p => p.TryGetProperty("user", out _) || p.TryGetProperty("group", out _) ? null : "give 'user', 'group' or both" };
    }

    private static string Str(JsonElement p, string name) => p.GetProperty(name).GetString()!;

    private static LockRequest Lock(string unit, JsonElement p, string name, LockMode mode, int releaseAfterStage = 0) =>
        new(ResourcePath.File(unit, Str(p, name)), mode, releaseAfterStage);
}
