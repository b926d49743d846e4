using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.checksum {path}</c> → <c>{path, sha256, bytes}</c>, reading synchronously on its own thread.</summary>
public sealed class FsChecksumExecutor(PathGuard guard) : KindExecutor<FsChecksumParameters, FsChecksumResult>(FsChecksum.Contract)
{
    private const int BufferSize = 1 << 20;

    public override bool NeedsDedicatedThread => true;

    protected override Task<FsChecksumResult> RunAsync(FsChecksumParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.Path);
        if (Directory.Exists(path)) throw TaskFailureException.Invalid($"'{path}' is a directory; fs.checksum needs a file");
        if (!File.Exists(path)) throw TaskFailureException.NotFound($"'{path}' does not exist");

        context.EnterStage(1, 1, "reading and hashing");
        using var pinned = PinnedPath.Target(path);
        using var stream = new FileStream(pinned.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long total = stream.Length;
        context.Log($"hashing {path} ({total:N0} bytes)");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long done = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            hash.AppendData(buffer, 0, read);
            done += read;
            context.Report(total == 0 ? 1 : (double)done / total, $"hashing: {done / (1024 * 1024):N0} of {total / (1024 * 1024):N0} MiB");
        }
        string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        stream.Dispose();
        // Staged release: the file is read, so its shared lock can go before the task ends.
        context.StageDoneAsync(1).GetAwaiter().GetResult();
        context.Report(1, "done");
        context.Log($"sha256 {sha}");
        return Task.FromResult(new FsChecksumResult(path, sha, done));
    }
}
