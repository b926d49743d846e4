using System.Text;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>fs.write {path, content | uploadId, overwrite?}</c>: writes text (which may be empty), or a file the user
/// uploaded to the station, to a temporary name beside the target and renames it into place, so readers see
/// the old file or the new one, never half of it. <paramref name="uploads"/> is null where no station serves
/// uploads (a bare executor in tests); an uploadId is then refused.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsWriteExecutor(PathGuard guard, StationUploads? uploads = null) : ITaskExecutor
{
    private const int MaxBytes = 16 * 1024 * 1024;

    public string Kind => TaskKinds.FsWrite;
    public bool NeedsDedicatedThread => true;

    public async Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string requested = parameters.RequiredString("path");
        string path = guard.Resolve(requested);
        bool hasContent = parameters.TryGetProperty("content", out var c) && c.ValueKind != JsonValueKind.Null;
        string? uploadId = parameters.OptionalString("uploadId");
        if (hasContent == (uploadId is not null))
            throw new TaskFailure("give either 'content' (a string, which may be empty) or 'uploadId', not both and not neither");
        if (hasContent && c.ValueKind != JsonValueKind.String)
            throw new TaskFailure("parameter 'content' must be a string (it may be empty)");
        bool overwrite = parameters.OptionalBool("overwrite");
        if (Directory.Exists(path)) throw new TaskFailure($"'{path}' is a directory");
        if (!Directory.Exists(Path.GetDirectoryName(path))) throw new TaskFailure($"the directory of '{path}' does not exist; create it with fs.mkdir");
        if (File.Exists(path) && !overwrite) throw new TaskFailure($"'{path}' exists; pass overwrite: true to replace it");

        if (uploadId is not null)
        {
            if (uploads is null) throw new TaskFailure("this agent has no station to fetch uploads from; give 'content' instead");
            var (bytes, sha) = await uploads.WriteAsync(parameters, uploadId, requested, path, overwrite, context, cancellationToken).ConfigureAwait(false);
            context.Report(1, $"{bytes:N0} bytes written from upload {uploadId}");
            return new { path, bytes, sha256 = sha, uploadId };
        }
        int written;
        using (var pinned = PinnedPath.Parent(path)) written = WriteText(pinned.Path, path, c.GetString()!, overwrite);
        context.Report(1, $"{written:N0} bytes written");
        return new { path, bytes = written };
    }

    /// <param name="path">Where to write, inside the pinned directory.</param>
    /// <param name="shown">The same place as the user named it, for messages.</param>
    private static int WriteText(string path, string shown, string content, bool overwrite)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        if (bytes.Length > MaxBytes) throw new TaskFailure($"content is {bytes.Length:N0} bytes; fs.write takes at most {MaxBytes:N0} as text (upload larger files and pass uploadId)");
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
            throw new TaskFailure($"'{shown}' was created by someone else meanwhile; pass overwrite: true to replace it");
        }
        finally
        {
            File.Delete(temp);
        }
        return bytes.Length;
    }
}
