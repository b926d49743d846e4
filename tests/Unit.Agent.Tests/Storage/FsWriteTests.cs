using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>fs.write's text path: an empty file is a legitimate write; the bytes come from exactly one place.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsWriteTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task EmptyContent_WritesAnEmptyFile()
    {
        var h = new FsHarness(_dir.Path);
        var result = await h.SucceedAsync(TaskKinds.FsWrite, new { path = _dir.Combine("empty.txt"), content = "" });

        Assert.Equal(0, result.GetProperty("bytes").GetInt32());
        Assert.Equal(0, new FileInfo(_dir.Combine("empty.txt")).Length);
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*"));
    }

    [Fact]
    public async Task BothOrNeither_AreRefused_AndNothingIsWritten()
    {
        var h = new FsHarness(_dir.Path);
        string path = _dir.Combine("f.txt");
        Assert.Contains("give either 'content' or 'uploadId', not both", await h.FailAsync(TaskKinds.FsWrite, new { path, content = "x", uploadId = "0123456789abcdef0123456789abcdef" }));
        Assert.Contains("give 'content' (text, may be empty) or 'uploadId'", await h.FailAsync(TaskKinds.FsWrite, new { path }));
        Assert.Contains("must be a string", await h.FailAsync(TaskKinds.FsWrite, new { path, content = 3 }));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task UploadId_WithoutAStationToFetchFrom_IsRefused()
    {
        var h = new FsHarness(_dir.Path);
        string error = await h.FailAsync(TaskKinds.FsWrite, new { path = _dir.Combine("f.bin"), uploadId = "0123456789abcdef0123456789abcdef" });
        Assert.Contains("no station to fetch uploads from", error);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }
}
