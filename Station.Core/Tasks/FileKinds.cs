using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>File work under a unit's roots: reads lock their path shared, writes exclusive.</summary>
public static class FileKinds
{
    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        var path = new ParameterSpec("path", ParameterType.String, true, "absolute path inside one of the unit's roots", Example: "/srv/data/file.txt", IsPath: true);
        var recursive = new ParameterSpec("recursive", ParameterType.Boolean, false, "include everything inside a directory");
        var from = new ParameterSpec("from", ParameterType.String, true, "absolute source path inside one of the unit's roots", IsPath: true);
        var to = new ParameterSpec("to", ParameterType.String, true, "absolute destination path inside one of the unit's roots; must not exist", IsPath: true);

        yield return new TaskKindDefinition(TaskKinds.FsStat, "File or directory details", "Task.fs.stat", 1, false, [path],
            (unit, p) => [Lock(unit, p, "path", LockMode.Shared)]);

        yield return new TaskKindDefinition(TaskKinds.FsMkdir, "Create a directory", "Task.fs.mkdir", 1, false,
            [path, new ParameterSpec("parents", ParameterType.Boolean, false, "create missing parent directories too")],
            (unit, p) => [Lock(unit, p, "path", LockMode.Exclusive)]);

        yield return new TaskKindDefinition(TaskKinds.FsWrite, "Write a file", "Task.fs.write", 1, false,
            [path,
             new ParameterSpec("content", ParameterType.String, false, "text to write (UTF-8; may be empty); or give uploadId", Max: MaxContentChars, AllowEmpty: true),
             new ParameterSpec("uploadId", ParameterType.String, false, "a file you uploaded with POST /api/v1/uploads; or give content", Max: 64),
             new ParameterSpec("overwrite", ParameterType.Boolean, false, "replace an existing file")],
            (unit, p) => [Lock(unit, p, "path", LockMode.Exclusive)])
        { Rules = WriteSource };

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

    /// <summary>Text travels inside the order; anything larger is uploaded first and named by its uploadId.</summary>
    public const int MaxContentChars = 1024 * 1024;

    /// <summary>fs.write takes its bytes from exactly one place.</summary>
    private static string? WriteSource(JsonElement p) => (Has(p, "content"), Has(p, "uploadId")) switch
    {
        (true, true) => "give either 'content' or 'uploadId', not both",
        (false, false) => "give 'content' (text, may be empty) or 'uploadId' (a file uploaded with POST /api/v1/uploads)",
        _ => null,
    };

    private static bool Has(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private static string Str(JsonElement p, string name) => p.GetProperty(name).GetString()!;

    private static LockRequest Lock(string unit, JsonElement p, string name, LockMode mode, int releaseAfterStage = 0) =>
        new(ResourcePath.File(unit, Str(p, name)), mode, releaseAfterStage);
}
