using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>Reading side of the data plane: describes, lists and hashes files without following links.</summary>
public sealed class SourceFiles
{
    private const int BufferSize = 1 << 20;
    private readonly ConcurrentDictionary<(string Path, long Size, long Mtime), string> _hashes = new();
    private readonly ConcurrentDictionary<(string Path, long Size, long Mtime), Task<string?>> _streaming = new();

    public static DataEntry Describe(FileSystemInfo info, string relative)
    {
        // Only a link needs its target read (readlink); the attributes from the listing already say which entries are links.
        if ((info.Attributes & FileAttributes.ReparsePoint) != 0 && info.LinkTarget is { } target)
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
        if (_streaming.TryGetValue(key, out var sending) && await sending.WaitAsync(ct).ConfigureAwait(false) is { } streamed)
            return new DataHash(path, info.Length, streamed);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) hash.AppendData(buffer, 0, read);
        string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        _hashes[key] = sha;
        return new DataHash(path, info.Length, sha);
    }

    /// <summary>
    /// Starts hashing a whole-file send of <paramref name="info"/> as it streams, so a hash request for the same
    /// (path, size, mtime) waits for it instead of reading the file a second time.
    /// </summary>
    public StreamedHash TrackSend(string path, FileInfo info)
    {
        var key = (path, info.Length, info.LastWriteTimeUtc.Ticks);
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _streaming[key] = done.Task;
        return new StreamedHash(this, key, done);
    }

    /// <summary>The SHA-256 of the bytes of one whole-file send, published when the send ends with the file unchanged.</summary>
    public sealed class StreamedHash : IDisposable
    {
        private readonly SourceFiles _owner;
        private readonly (string Path, long Size, long Mtime) _key;
        private readonly TaskCompletionSource<string?> _done;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _bytes;

        internal StreamedHash(SourceFiles owner, (string, long, long) key, TaskCompletionSource<string?> done)
        {
            _owner = owner;
            _key = key;
            _done = done;
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            _hash.AppendData(data);
            _bytes += data.Length;
        }

        /// <summary>Publishes the hash when every byte was sent and the file still has the size and mtime it had; otherwise waiters read the file.</summary>
        public void Complete()
        {
            var info = new FileInfo(_key.Path);
            if (_bytes != _key.Size || !info.Exists || info.Length != _key.Size || info.LastWriteTimeUtc.Ticks != _key.Mtime)
            {
                Dispose();
                return;
            }
            string sha = Convert.ToHexStringLower(_hash.GetHashAndReset());
            _owner._hashes[_key] = sha;
            _owner._streaming.TryRemove(new KeyValuePair<(string, long, long), Task<string?>>(_key, _done.Task));
            _done.TrySetResult(sha);
        }

        public void Dispose()
        {
            _owner._streaming.TryRemove(new KeyValuePair<(string, long, long), Task<string?>>(_key, _done.Task));
            _done.TrySetResult(null);
            _hash.Dispose();
        }
    }
}
