using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>Reading side of the data plane: describes, lists and hashes files without following links.</summary>
public sealed class SourceFiles
{
    private const int BufferSize = 1 << 20;
    private readonly ConcurrentDictionary<(string Path, long Size, long Mtime), string> _hashes = new();

    public static DataEntry Describe(FileSystemInfo info, string relative)
    {
        if (info.LinkTarget is { } target)
            return new DataEntry(relative, DataEntry.LinkType, 0, 0, 0, target);
        var mode = (int)info.UnixFileMode;
        long mtime = info.LastWriteTimeUtc.Ticks;
        return info is DirectoryInfo
            ? new DataEntry(relative, DataEntry.DirectoryType, 0, mode, mtime, null)
            : new DataEntry(relative, DataEntry.FileType, ((FileInfo)info).Length, mode, mtime, null);
    }

    public static FileSystemInfo? Find(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path) : File.Exists(path) ? new FileInfo(path) : null;

    /// <summary>Every entry under <paramref name="root"/>, parents before children; links are listed, never entered.</summary>
    public static IEnumerable<DataEntry> Walk(string root, CancellationToken ct)
    {
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var dir = pending.Pop();
            foreach (var info in dir.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }).OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(root, info.FullName);
                var entry = Describe(info, relative);
                yield return entry;
                if (entry.Type == DataEntry.DirectoryType) pending.Push((DirectoryInfo)info);
            }
        }
    }

    /// <summary>SHA-256 of a file, remembered by path, size and mtime so a resumed transfer does not read it again.</summary>
    public async Task<DataHash> HashAsync(string path, CancellationToken ct)
    {
        var info = new FileInfo(path);
        var key = (path, info.Length, info.LastWriteTimeUtc.Ticks);
        if (_hashes.TryGetValue(key, out var known)) return new DataHash(path, info.Length, known);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) hash.AppendData(buffer, 0, read);
        string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        _hashes[key] = sha;
        return new DataHash(path, info.Length, sha);
    }
}
