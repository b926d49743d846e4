using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>
/// The receiving side of a tree of small files (docs/BENCHMARKS.md, "Trees of small files, after the parallel writer"):
/// the bundle stream, framed as the source frames it, served by a stand-in for the source's data plane, written by
/// several writer threads into a real temporary tree. Every file is written once with its bytes, mode and mtime; a file
/// that arrives different from what the source read fails the move with nothing under the final name; a stream cut half
/// way resumes at the first file not written.
/// </summary>
public sealed class TreeBundleWriterTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-tree-writers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record SourceFile(DataEntry Entry, byte[] Bytes);

    /// <summary><paramref name="count"/> files of 1-9 KiB in <paramref name="dirs"/> directories, in the order the source lists them (a directory's files together).</summary>
    private static List<SourceFile> Files(int count, int dirs)
    {
        var start = new DateTime(2022, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        return Enumerable.Range(0, count)
            .Select(i => new SourceFile(
                new DataEntry($"d{i % dirs:D2}/f{i:D4}.bin", DataEntry.FileType, 1024 * (1 + i % 9), i % 2 == 0 ? 0b110_100_000 : 0b111_101_101, start.AddSeconds(i * 1.25).Ticks, null),
                RandomNumberGenerator.GetBytes(1024 * (1 + i % 9))))
            .OrderBy(f => f.Entry.Path, StringComparer.Ordinal)
            .ToList();
    }

    private static List<DataEntry> Listing(List<SourceFile> files, int dirs) =>
        [.. Enumerable.Range(0, dirs).Select(d => new DataEntry($"d{d:D2}", DataEntry.DirectoryType, 0, 0b111_101_101, new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, null)),
         .. files.Select(f => f.Entry)];

    /// <summary>The bundle as the source frames it (<see cref="BundleFormat"/>), from file <paramref name="skip"/> on; <paramref name="corrupt"/> gets a wrong SHA-256.</summary>
    private static byte[] Bundle(List<SourceFile> files, int skip, int corrupt = -1)
    {
        using var stream = new MemoryStream();
        for (int i = skip; i < files.Count; i++)
        {
            var (e, bytes) = (files[i].Entry, files[i].Bytes);
            var header = new byte[BundleFormat.HeaderSize(e.Path)];
            BundleFormat.WriteHeader(header, e.Path, e.Size, e.MtimeTicks, e.Mode);
            stream.Write(header);
            stream.Write(bytes);
            var sha = SHA256.HashData(bytes);
            if (i == corrupt) sha[0] ^= 1;
            stream.Write(sha);
        }
        var end = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(end, 0);
        stream.Write(end);
        return stream.ToArray();
    }

    /// <summary>A stand-in for the source's data plane: the tree's listing, and the bundle from <c>skip</c>; what <paramref name="serve"/> makes of each bundle request.</summary>
    private sealed class Source(List<DataEntry> listing, Func<int, HttpContent> serve) : HttpMessageHandler
    {
        public List<int> Skips { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!;
            if (url.AbsolutePath == DataPlaneRoutes.Tree)
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(listing) });
            Assert.Equal(DataPlaneRoutes.Bundle, url.AbsolutePath);
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            int skip = int.TryParse(query["skip"], out int s) ? s : 0;
            lock (Skips) Skips.Add(skip);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = serve(skip) });
        }
    }

    /// <summary>A body that gives <paramref name="bytes"/> and then breaks, as a connection cut half way does.</summary>
    private sealed class CutStream(byte[] bytes) : Stream
    {
        private int _at;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _at; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at >= bytes.Length) throw new IOException("the connection was reset (a test's cut)");
            int n = Math.Min(count, Math.Min(bytes.Length - _at, 3000));
            Array.Copy(bytes, _at, buffer, offset, n);
            _at += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static (SourceClient Client, TaskContext Context, DataMoveParameters Request) Parts(Source source, string from, string to)
    {
        var http = new HttpClient(source);
        var client = new SourceClient(http, "http://source.test", "ticket", relayed: false);
        var context = new TaskContext(7, TaskKinds.DataMove, _ => Task.CompletedTask);
        return (client, context, new DataMoveParameters(new DataLocation("a", from), new DataLocation("b", to)));
    }

    private static void AssertWritten(string root, List<SourceFile> files)
    {
        Assert.Equal(files.Count, Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Count());
        foreach (var f in files)
        {
            var info = new FileInfo(Path.Combine(root, f.Entry.Path));
            Assert.Equal((f.Entry.Size, (UnixFileMode)f.Entry.Mode, f.Entry.MtimeTicks), (info.Length, info.UnixFileMode, info.LastWriteTimeUtc.Ticks));
            Assert.Equal(f.Bytes, File.ReadAllBytes(info.FullName));
        }
    }

    [Fact]
    public async Task ThreeWriters_WriteEveryFileOnce_WithItsBytesModeAndMtime_IntoTheFinalTree()
    {
        var files = Files(900, 24);
        var source = new Source(Listing(files, 24), skip => new ByteArrayContent(Bundle(files, skip)));
        string to = Path.Combine(_dir, "copy");
        var (client, context, request) = Parts(source, "/src/tree", to);
        var root = new DataEntry("", DataEntry.DirectoryType, 0, 0b111_101_101, DateTime.UtcNow.Ticks, null);

        var outcome = await new TreeMove(client, context, request).RunAsync(root, to, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal((900, files.Sum(f => (long)f.Bytes.Length)), (outcome.Files, outcome.Bytes));
        AssertWritten(to, files);
        Assert.Equal([0], source.Skips);
        Assert.Empty(Directory.EnumerateDirectories(_dir, ".copy*"));
    }

    [Fact]
    public async Task Writers_PostedFiles_EachWrittenOnce_AcrossWriters()
    {
        var files = Files(500, 10);
        string temp = Path.Combine(_dir, "w");
        foreach (var d in files.Select(f => Path.GetDirectoryName(f.Entry.Path)!).Distinct()) Directory.CreateDirectory(Path.Combine(temp, d));
        using var writers = new TreeWriters(temp, verifies: true, count: 3);
        for (int i = 0; i < files.Count; i++)
        {
            var buffer = await writers.RentAsync(files[i].Bytes.Length, CancellationToken.None).AsTask().WaitAsync(Limit);
            files[i].Bytes.CopyTo(buffer, 0);
            SHA256.HashData(files[i].Bytes).CopyTo(buffer, files[i].Bytes.Length);
            writers.Post(i, files[i].Entry, buffer);
        }
        await writers.CompleteAsync().WaitAsync(Limit);

        Assert.Equal(500, writers.Written);
        Assert.Null(writers.FirstNotWritten);
        AssertWritten(temp, files);
    }

    [Fact]
    public async Task AFileThatArrivesDifferent_FailsTheMoveInItsWriter_NothingUnderTheFinalName_NoRetry()
    {
        var files = Files(600, 12);
        var source = new Source(Listing(files, 12), skip => new ByteArrayContent(Bundle(files, skip, corrupt: 333)));
        string to = Path.Combine(_dir, "bad");
        var (client, context, request) = Parts(source, "/src/tree", to);
        var root = new DataEntry("", DataEntry.DirectoryType, 0, 0b111_101_101, DateTime.UtcNow.Ticks, null);

        var ex = await Assert.ThrowsAsync<TaskFailureException>(() => new TreeMove(client, context, request).RunAsync(root, to, CancellationToken.None).WaitAsync(Limit));

        Assert.Contains($"'{files[333].Entry.Path}' arrived different from what the source read (SHA-256 mismatch)", ex.Message);
        Assert.False(Directory.Exists(to));
        Assert.False(File.Exists(Path.Combine(PartialFile.TempFor(to), files[333].Entry.Path)));
        Assert.Equal([0], source.Skips);
    }

    [Fact]
    public async Task AStreamCutHalfWay_ResumesAtTheFirstFileNotWritten_EveryFileWrittenOnceAndComplete()
    {
        var files = Files(800, 16);
        var whole = Bundle(files, 0);
        string to = Path.Combine(_dir, "cut");
        string temp = PartialFile.TempFor(to);
        int writtenAtRetry = -1;
        Source? source = null;
        source = new Source(Listing(files, 16), skip =>
        {
            if (skip == 0) return new StreamContent(new CutStream(whole[..(whole.Length / 2)]));
            writtenAtRetry = Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories).Count();
            return new ByteArrayContent(Bundle(files, skip));
        });
        var (client, context, request) = Parts(source, "/src/tree", to);
        var root = new DataEntry("", DataEntry.DirectoryType, 0, 0b111_101_101, DateTime.UtcNow.Ticks, null);

        await new TreeMove(client, context, request).RunAsync(root, to, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(2, source.Skips.Count);
        // Every file handed to a writer before the cut was written before the retry asked for the rest, and only the rest.
        Assert.True(source.Skips[1] > 0, string.Join(",", source.Skips));
        Assert.Equal(source.Skips[1], writtenAtRetry);
        AssertWritten(to, files);
    }

    [Fact]
    public void Sink_ReplacesALinkOrAPartialFileLeftAtTheName_NeverWritesThrough_KeepsModeAndMtimeToTheTick()
    {
        string temp = Path.Combine(_dir, "sink"), outside = Path.Combine(_dir, "outside.txt");
        Directory.CreateDirectory(Path.Combine(temp, "d"));
        File.WriteAllText(outside, "keep");
        File.CreateSymbolicLink(Path.Combine(temp, "d", "link.bin"), outside);
        File.WriteAllBytes(Path.Combine(temp, "d", "part.bin"), [1, 2, 3]);
        var files = new[]
        {
            new SourceFile(new DataEntry("d/link.bin", DataEntry.FileType, 5000, 0b100_111_101_101, new DateTime(2020, 2, 29, 12, 0, 0, DateTimeKind.Utc).Ticks + 1234567, null), RandomNumberGenerator.GetBytes(5000)),
            new SourceFile(new DataEntry("d/part.bin", DataEntry.FileType, 7, 0b110_000_000, new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc).Ticks + 5_000_001, null), RandomNumberGenerator.GetBytes(7)),
            new SourceFile(new DataEntry("top.bin", DataEntry.FileType, 0, 0b100_100_100, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, null), []),
        };
        using (var sink = new SmallFileSink(temp))
        {
            foreach (var f in files)
            {
                var buffer = new byte[f.Bytes.Length + 32];
                f.Bytes.CopyTo(buffer, 0);
                sink.Write(f.Entry, buffer);
            }
        }

        Assert.Equal("keep", File.ReadAllText(outside));
        Assert.Null(new FileInfo(Path.Combine(temp, "d", "link.bin")).LinkTarget);
        AssertWritten(temp, [.. files]);
    }
}
