using System.Text;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>fs.write {path, content, overwrite?}</c>: writes text to a temporary name beside the target and renames
/// it into place, so readers see the old file or the new one, never half of it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsWriteExecutor(PathGuard guard) : ITaskExecutor
{
    private const int MaxBytes = 16 * 1024 * 1024;

    public string Kind => TaskKinds.FsWrite;
    public bool NeedsDedicatedThread => true;

    public Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.RequiredString("path"));
        if (!parameters.TryGetProperty("content", out var c) || c.ValueKind != JsonValueKind.String)
            throw new TaskFailure("parameter 'content' is required and must be a string (it may be empty)");
        bool overwrite = parameters.OptionalBool("overwrite");
        byte[] bytes = Encoding.UTF8.GetBytes(c.GetString()!);
        if (bytes.Length > MaxBytes) throw new TaskFailure($"content is {bytes.Length:N0} bytes; fs.write takes at most {MaxBytes:N0} (copy larger files with fs.copy or data.move)");
        if (Directory.Exists(path)) throw new TaskFailure($"'{path}' is a directory");
        if (!Directory.Exists(Path.GetDirectoryName(path))) throw new TaskFailure($"the directory of '{path}' does not exist; create it with fs.mkdir");
        if (File.Exists(path) && !overwrite) throw new TaskFailure($"'{path}' exists; pass overwrite: true to replace it");

        string temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.ccdsvm-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (File.Exists(path)) File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            File.Move(temp, path, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            throw new TaskFailure($"'{path}' was created by someone else meanwhile; pass overwrite: true to replace it");
        }
        finally
        {
            File.Delete(temp);
        }
        context.Report(1, $"{bytes.Length:N0} bytes written");
        return Task.FromResult<object?>(new { path, bytes = bytes.Length });
    }
}
