using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>fs.copy {from, to, recursive?}</c>: copies into a temporary name beside the destination with byte
/// progress, reports stage 1 done once the source is read (its shared lock goes then), and renames the
/// copy into place in stage 2. Links inside a copied tree are copied as links, never followed.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsCopyExecutor(PathGuard guard) : KindExecutor<FsCopyParameters, FsCopyResult>(FsCopy.Contract)
{
    private const int BufferSize = 1 << 20;

    public override bool NeedsDedicatedThread => true;

    protected override async Task<FsCopyResult> RunAsync(FsCopyParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string from = guard.Resolve(parameters.From);
        string to = guard.ResolveEntry(parameters.To);
        bool recursive = parameters.Recursive == true;
        bool isDirectory = Directory.Exists(from);
        if (!isDirectory && !File.Exists(from)) throw TaskFailureException.NotFound($"'{from}' does not exist");
        if (isDirectory && !recursive) throw TaskFailureException.Invalid($"'{from}' is a directory; pass recursive: true to copy it with everything in it");
        if (File.Exists(to) || Directory.Exists(to) || new FileInfo(to).LinkTarget is not null) throw TaskFailureException.Conflict($"'{to}' already exists");
        if (!Directory.Exists(Path.GetDirectoryName(to))) throw TaskFailureException.NotFound($"the directory of '{to}' does not exist; create it with fs.mkdir");
        if (isDirectory && (to + "/").StartsWith(from + "/", StringComparison.Ordinal)) throw TaskFailureException.Invalid($"cannot copy '{from}' into itself");

        context.EnterStage(1, 2, "reading the source");
        using var pinnedTo = PinnedPath.Parent(to);
        using var pinnedFrom = isDirectory ? null : PinnedPath.Target(from);
        // One temporary name per destination: this task holds the destination's exclusive lock, so what lies under it
        // was left by an earlier copy to the same place that the unit never finished (its agent was killed): remove it.
        string temp = TempFor(pinnedTo.Path);
        if (Directory.Exists(temp) || File.Exists(temp))
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            else File.Delete(temp);
            context.Log($"removed {Path.GetFileName(temp)}, left by an interrupted copy to '{to}'");
        }
        var progress = new Progress(context, isDirectory ? Total(new DirectoryInfo(from)) : new FileInfo(from).Length);
        try
        {
            // One buffer for the whole copy; a tree is made durable with one syncfs before its rename, not a fsync per file.
            var buffer = new byte[BufferSize];
            if (isDirectory)
            {
                CopyTree(new DirectoryInfo(from), temp, buffer, progress, cancellationToken);
                FileSystemSync.Sync(temp);
            }
            else CopyFile(pinnedFrom!.Path, temp, buffer, progress, durable: true, cancellationToken);
            await context.StageDoneAsync(1).ConfigureAwait(false);

            context.EnterStage(2, 2, "moving the copy into place");
            if (isDirectory) Directory.Move(temp, pinnedTo.Path);
            else File.Move(temp, pinnedTo.Path, overwrite: false);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            else File.Delete(temp);
            throw;
        }
        context.Report(1, $"{progress.Done:N0} bytes copied");
        return new FsCopyResult(from, to, progress.Done, progress.Files);
    }

    /// <summary>Where a copy to <paramref name="destination"/> is built before it is renamed into place.</summary>
    public static string TempFor(string destination) =>
        Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}{TempSuffix}");

    public const string TempSuffix = ".ccdsvm-copy";

    private sealed class Progress(TaskContext context, long total)
    {
        public long Done { get; private set; }
        public int Files { get; set; }

        public void Add(long bytes)
        {
            Done += bytes;
            context.Report(total == 0 ? 1 : (double)Done / total, $"copying: {Done / (1024 * 1024):N0} of {total / (1024 * 1024):N0} MiB");
        }
    }

    private static long Total(DirectoryInfo dir) =>
        dir.EnumerateFileSystemInfos().Sum(i => i.LinkTarget is not null ? 0 : i is FileInfo f ? f.Length : i is DirectoryInfo d ? Total(d) : 0);

    private static void CopyTree(DirectoryInfo source, string target, byte[] buffer, Progress progress, CancellationToken ct)
    {
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, source.UnixFileMode);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            ct.ThrowIfCancellationRequested();
            string dest = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is { } link) File.CreateSymbolicLink(dest, link);
            else if (entry is DirectoryInfo d) CopyTree(d, dest, buffer, progress, ct);
            else CopyFile(entry.FullName, dest, buffer, progress, durable: false, ct);
        }
    }

    private static void CopyFile(string source, string target, byte[] buffer, Progress progress, bool durable, CancellationToken ct)
    {
        using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
        {
            int read;
            while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                output.Write(buffer, 0, read);
                progress.Add(read);
            }
            output.Flush(flushToDisk: durable);
        }
        File.SetUnixFileMode(target, File.GetUnixFileMode(source));
        progress.Files++;
    }
}
