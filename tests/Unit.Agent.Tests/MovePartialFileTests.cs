using System.Security.Cryptography;
using Ccdsvm.Unit.Agent.DataPlane;

namespace Ccdsvm.Unit.Agent.Tests;

public sealed class MovePartialFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-part-").FullName;

    [Fact]
    public async Task Reopen_AfterCheckpoint_ResumesAtOffset_AndHashCoversWholeFile()
    {
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        string final = Path.Combine(_dir, "f.bin");
        var id = new PartialIdentity("a", "/src/f.bin", data.Length, 42);
        using (var first = PartialFile.Open(final, id))
        {
            await first.WriteAsync(data.AsMemory(0, 1024 * 1024), CancellationToken.None);
            first.Suspend();
        }
        using var second = PartialFile.Open(final, id);
        Assert.Equal(1024 * 1024, second.ResumedAt);
        await second.WriteAsync(data.AsMemory(1024 * 1024), CancellationToken.None);
        string sha = second.Commit(Convert.ToHexStringLower(SHA256.HashData(data)), null, null, overwrite: false);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), sha);
        Assert.Equal(data, File.ReadAllBytes(final));
        Assert.Empty(Directory.GetFiles(_dir, "*" + PartialFile.Suffix + "*"));
    }

    [Fact]
    public async Task Reopen_WhenSourceChanged_StartsOver()
    {
        string final = Path.Combine(_dir, "g.bin");
        using (var first = PartialFile.Open(final, new PartialIdentity("a", "/src/g.bin", 10, 1)))
        {
            await first.WriteAsync(new byte[5], CancellationToken.None);
            first.Suspend();
        }
        using var second = PartialFile.Open(final, new PartialIdentity("a", "/src/g.bin", 10, 2));
        Assert.Equal(0, second.ResumedAt);
        second.Discard();
    }

    [Fact]
    public async Task Commit_HashMismatch_RemovesPartial_LeavesFinalUntouched()
    {
        string final = Path.Combine(_dir, "h.bin");
        File.WriteAllText(final, "original");
        using var part = PartialFile.Open(final, new PartialIdentity("a", "/src/h.bin", 4, 1));
        await part.WriteAsync(new byte[4], CancellationToken.None);

        var ex = Assert.Throws<TaskFailure>(() => part.Commit(new string('0', 64), null, null, overwrite: true));
        Assert.Contains("integrity check failed", ex.Message);
        Assert.Equal("original", File.ReadAllText(final));
        Assert.False(File.Exists(part.TempPath));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
