using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.chmod {path, mode}</c> with an octal mode such as "0640" (the contract checks its digits); setuid and setgid are not set remotely.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsChmodExecutor(PathGuard guard) : KindExecutor<FsChmodParameters, FsChmodResult>(FsChmod.Contract)
{
    public override bool NeedsDedicatedThread => false;

    protected override Task<FsChmodResult> RunAsync(FsChmodParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.Path);
        string text = parameters.Mode;
        int mode = Convert.ToInt32(text, 8);
        if ((mode & 0b110_000_000_000) != 0) throw TaskFailureException.Invalid($"mode '{text}' sets setuid or setgid, which fs.chmod does not do");
        if (!File.Exists(path) && !Directory.Exists(path)) throw TaskFailureException.NotFound($"'{path}' does not exist");
        using (var pinned = PinnedPath.Target(path)) File.SetUnixFileMode(pinned.Path, (UnixFileMode)mode);
        context.Report(1, $"mode {text}");
        return Task.FromResult(new FsChmodResult(path, Convert.ToString(mode, 8).PadLeft(4, '0')));
    }
}
