using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.chmod {path, mode}</c> with an octal mode such as "0640"; setuid and setgid are not set remotely.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsChmodExecutor(PathGuard guard) : ITaskExecutor
{
    public string Kind => TaskKinds.FsChmod;
    public bool NeedsDedicatedThread => false;

    public Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.RequiredString("path"));
        string text = parameters.RequiredString("mode");
        if (text.Length is < 3 or > 4 || !text.All(c => c is >= '0' and <= '7'))
            throw new TaskFailure($"mode '{text}' must be 3 or 4 octal digits, e.g. \"0640\"");
        int mode = Convert.ToInt32(text, 8);
        if ((mode & 0b110_000_000_000) != 0) throw new TaskFailure($"mode '{text}' sets setuid or setgid, which fs.chmod does not do");
        if (!File.Exists(path) && !Directory.Exists(path)) throw new TaskFailure($"'{path}' does not exist");
        using (var pinned = PinnedPath.Target(path)) File.SetUnixFileMode(pinned.Path, (UnixFileMode)mode);
        context.Report(1, $"mode {text}");
        return Task.FromResult<object?>(new { path, mode = Convert.ToString(mode, 8).PadLeft(4, '0') });
    }
}
