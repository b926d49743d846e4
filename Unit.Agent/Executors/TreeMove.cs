using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// data.move of a directory tree: builds it under a hidden temporary directory next to the destination, each
/// file verified and renamed into that tree as it completes, links recreated as links, modes and mtimes kept;
/// then swaps the whole tree into place. Small files come in one stream (<see cref="TreeBundle"/>), larger ones one by
/// one, resumable. A retry skips files already complete in the temporary tree.
/// </summary>
internal sealed class TreeMove(SourceClient source, TaskContext context, DataMoveParameters request)
{
    public async Task<MoveOutcome> RunAsync(DataEntry root, string destination, CancellationToken ct)
    {
        context.EnterStage(1, DataMoveExecutor.Stages, "listing the source tree");
        var entries = await source.TreeAsync(request.Source.Path, ct).ConfigureAwait(false);
        CheckListing(entries);
        long total = entries.Where(e => e.Type == DataEntry.FileType).Sum(e => e.Size);
        int fileCount = entries.Count(e => e.Type == DataEntry.FileType);
        context.Log($"{fileCount:N0} files, {entries.Count(e => e.Type == DataEntry.DirectoryType):N0} directories, {entries.Count(e => e.Type == DataEntry.LinkType):N0} links, {TransferMeter.Size(total)}");

        string temp = PartialFile.TempFor(destination);
        bool resuming = Directory.Exists(temp);
        if (resuming) context.Log($"resuming the tree kept in {temp}");
        Directory.CreateDirectory(temp);
        var meter = new TransferMeter(context, total, request.BandwidthMiBps);
        var transfer = new FileTransfer(source, context, meter, request.Source.Unit);
        long resumedAt = 0;
        try
        {
            foreach (var e in entries.Where(e => e.Type == DataEntry.DirectoryType))
                Directory.CreateDirectory(Path.Combine(temp, e.Path));
            resumedAt += await SmallFilesAsync(entries, temp, resuming, meter, ct).ConfigureAwait(false);
            foreach (var e in entries.Where(e => e.Type == DataEntry.FileType && e.Size > DataPlaneRoutes.BundleFileLimit))
            {
                ct.ThrowIfCancellationRequested();
                string target = Path.Combine(temp, e.Path);
                if (IsComplete(new FileInfo(target), e))
                {
                    meter.Skip(e.Size);
                    resumedAt += e.Size;
                    continue;
                }
                meter.CurrentFile = e.Path;
                var (part, expected) = await transfer.ReceiveAsync(Path.Combine(request.Source.Path, e.Path), e, target, request.Verifies, ct).ConfigureAwait(false);
                using (part)
                {
                    resumedAt += part.ResumedAt;
                    part.Commit(expected, (UnixFileMode)e.Mode, new DateTime(e.MtimeTicks, DateTimeKind.Utc), overwrite: true);
                }
            }
            foreach (var e in entries.Where(e => e.Type == DataEntry.LinkType))
            {
                string link = Path.Combine(temp, e.Path);
                if (new FileInfo(link).LinkTarget is not null || File.Exists(link)) File.Delete(link);
                File.CreateSymbolicLink(link, e.LinkTarget!);
            }
            // Deepest first, so setting a child's times does not disturb its parent's afterwards.
            foreach (var e in entries.Where(e => e.Type == DataEntry.DirectoryType).OrderByDescending(e => e.Path.Length))
                Apply(Path.Combine(temp, e.Path), e);
            Apply(temp, root);
        }
        catch (OperationCanceledException)
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
        await context.StageDoneAsync(1).ConfigureAwait(false);

        context.EnterStage(2, DataMoveExecutor.Stages, "renaming the verified tree into place");
        SwapIntoPlace(temp, destination);
        context.Log($"{fileCount:N0} files verified{(request.Verifies ? "" : " (verification off)")}; tree renamed into {destination}");
        await context.StageDoneAsync(2).ConfigureAwait(false);
        return new MoveOutcome(total, fileCount, null, resumedAt, SourceDeletion.TreeDigest(entries));
    }

    /// <summary>A file of the temporary tree that an earlier attempt completed: a plain file of the listed size and mtime (set last).</summary>
    internal static bool IsComplete(FileInfo info, DataEntry e) =>
        info.Exists && (info.Attributes & FileAttributes.ReparsePoint) == 0 && info.Length == e.Size && info.LastWriteTimeUtc.Ticks == e.MtimeTicks;

    /// <summary>
    /// The small files in one stream (<see cref="TreeBundle"/>), after counting those an earlier attempt completed;
    /// returns their bytes, which are not sent again.
    /// </summary>
    private async Task<long> SmallFilesAsync(List<DataEntry> entries, string temp, bool resuming, TransferMeter meter, CancellationToken ct)
    {
        var small = entries.Where(e => e.Type == DataEntry.FileType && e.Size <= DataPlaneRoutes.BundleFileLimit).ToList();
        long kept = 0;
        int count = 0, first = -1;
        // A fresh copy has no temporary tree to look at: nothing is complete there.
        var complete = new bool[small.Count];
        for (int i = 0; i < small.Count; i++)
        {
            if (resuming && IsComplete(new FileInfo(Path.Combine(temp, small[i].Path)), small[i]))
            {
                complete[i] = true;
                kept += small[i].Size;
                count++;
            }
            else if (first < 0) first = i;
        }
        meter.Skip(kept);
        if (count > 0) context.Log($"{count:N0} of {small.Count:N0} small files are complete from an earlier attempt; {small.Count - count:N0} to go");
        if (first >= 0) await new TreeBundle(source, context, meter, request).ReceiveAsync(small, complete, temp, first, ct).ConfigureAwait(false);
        return kept;
    }

    /// <summary>Every entry the source listed must stay inside the tree: relative, with no '..' or empty part.</summary>
    private void CheckListing(List<DataEntry> entries)
    {
        foreach (var e in entries)
        {
            if (e.Path.Length == 0 || Path.IsPathRooted(e.Path) || e.Path.Split('/').Any(part => part is "" or "." or ".."))
                throw TaskFailureException.Refused($"refused: {request.Source.Unit} listed '{e.Path}' in its tree, which is not a path inside it");
        }
    }

    private static void Apply(string dir, DataEntry e)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, (UnixFileMode)e.Mode);
        Directory.SetLastWriteTimeUtc(dir, new DateTime(e.MtimeTicks, DateTimeKind.Utc));
    }

    private void SwapIntoPlace(string temp, string destination)
    {
        if (!Directory.Exists(destination))
        {
            Directory.Move(temp, destination);
            return;
        }
        if (!request.Overwrites)
            throw TaskFailureException.Conflict($"'{destination}' appeared while the copy ran and overwrite is false; the copy is kept in {temp}");
        string old = Path.Combine(Path.GetDirectoryName(destination)!, "." + Path.GetFileName(destination) + ".ccdsvm-old");
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        Directory.Move(destination, old);
        Directory.Move(temp, destination);
        Directory.Delete(old, recursive: true);
    }
}
