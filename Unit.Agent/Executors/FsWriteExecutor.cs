using System.Text;
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
public sealed class FsWriteExecutor(PathGuard guard, StationUploads? uploads = null) : KindExecutor<FsWriteParameters, FsWriteResult>(FsWrite.Contract)
{
    private const int MaxBytes = 16 * 1024 * 1024;

    public override bool NeedsDedicatedThread => true;

    /// <summary>The contract has checked that exactly one of content and uploadId is given.</summary>
    protected override async Task<FsWriteResult> RunAsync(FsWriteParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string requested = parameters.Path;
        string path = guard.Resolve(requested);
        bool overwrite = parameters.Overwrite == true;
        if (Directory.Exists(path)) throw TaskFailureException.Invalid($"'{path}' is a directory");
        if (!Directory.Exists(Path.GetDirectoryName(path))) throw TaskFailureException.NotFound($"the directory of '{path}' does not exist; create it with fs.mkdir");
        if (File.Exists(path) && !overwrite) throw TaskFailureException.Conflict($"'{path}' exists; pass overwrite: true to replace it");

        if (parameters.UploadId is { } uploadId)
        {
            if (uploads is null) throw new TaskFailureException("this agent has no station to fetch uploads from; give 'content' instead");
            if (parameters.Upload is not { } grant)
                throw TaskFailureException.Refused("the order carries no upload ticket; fs.write with uploadId must be dispatched by a station that issues one");
            var (bytes, sha) = await uploads.WriteAsync(grant, uploadId, requested, path, overwrite, context, cancellationToken).ConfigureAwait(false);
            context.Report(1, $"{bytes:N0} bytes written from upload {uploadId}");
            return new FsWriteResult(path, bytes, sha, uploadId);
        }
        int written;
        using (var pinned = PinnedPath.Parent(path)) written = WriteText(pinned.Path, path, parameters.Content!, overwrite);
        context.Report(1, $"{written:N0} bytes written");
        return new FsWriteResult(path, written);
    }

    /// <param name="path">Where to write, inside the pinned directory.</param>
    /// <param name="shown">The same place as the user named it, for messages.</param>
    private static int WriteText(string path, string shown, string content, bool overwrite)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        if (bytes.Length > MaxBytes) throw TaskFailureException.Invalid($"content is {bytes.Length:N0} bytes; fs.write takes at most {MaxBytes:N0} as text (upload larger files and pass uploadId)");
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
            throw TaskFailureException.Conflict($"'{shown}' was created by someone else meanwhile; pass overwrite: true to replace it");
        }
        finally
        {
            File.Delete(temp);
        }
        return bytes.Length;
    }
}
