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

        var ex = Assert.Throws<TaskFailureException>(() => part.Commit(new string('0', 64), null, null, overwrite: true));
        Assert.Contains("integrity check failed", ex.Message);
        Assert.Equal("original", File.ReadAllText(final));
        Assert.False(File.Exists(part.TempPath));
    }

    [Fact]
    public async Task LargeFile_AlignedChunksDirect_ThenResume_ThenUnalignedTail_AllBytesAndHashRight()
    {
        const int chunk = 1 << 20;
        var data = RandomNumberGenerator.GetBytes(12 * chunk + 1234);
        string final = Path.Combine(_dir, "big.bin");
        var id = new PartialIdentity("a", "/src/big.bin", data.Length, 7);
        var buffer = AlignedBuffer.Rent(chunk);
        try
        {
            using (var first = PartialFile.Open(final, id))
            {
                Assert.Equal(DirectIo.Available, first.Direct);
                for (int i = 0; i < 5; i++)
                {
                    data.AsMemory(i * chunk, chunk).CopyTo(buffer.Memory);
                    await first.WriteAsync(buffer.Memory, CancellationToken.None);
                }
                Assert.Equal(DirectIo.Available, first.Direct);
                first.Suspend();
            }
            using var second = PartialFile.Open(final, id);
            Assert.Equal(5L * chunk, second.ResumedAt);
            for (int i = 5; i < 12; i++)
            {
                data.AsMemory(i * chunk, chunk).CopyTo(buffer.Memory);
                await second.WriteAsync(buffer.Memory, CancellationToken.None);
            }
            // The tail is not a whole page: the file leaves direct mode and the bytes go through the page cache.
            await second.WriteAsync(data.AsMemory(12 * chunk), CancellationToken.None);
            Assert.False(second.Direct);
            string sha = second.Commit(Convert.ToHexStringLower(SHA256.HashData(data)), null, null, overwrite: false);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), sha);
        }
        finally
        {
            buffer.Return();
        }
        Assert.Equal(data, File.ReadAllBytes(final));
        Assert.Empty(Directory.GetFiles(_dir, "*" + PartialFile.Suffix + "*"));
    }

    [Fact]
    public async Task LargeFile_FromOrdinaryArrays_WrittenBuffered_BytesRight()
    {
        var data = RandomNumberGenerator.GetBytes(9 * 1024 * 1024);
        string final = Path.Combine(_dir, "plain.bin");
        using (var part = PartialFile.Open(final, new PartialIdentity("a", "/src/plain.bin", data.Length, 1)))
        {
            for (int at = 0; at < data.Length; at += 1 << 20)
                await part.WriteAsync(data.AsMemory(at, 1 << 20), CancellationToken.None);
            Assert.False(part.Direct);
            part.Commit(Convert.ToHexStringLower(SHA256.HashData(data)), null, null, overwrite: false);
        }
        Assert.Equal(data, File.ReadAllBytes(final));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
