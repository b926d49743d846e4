using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.chown {path, user?, group?}</c> (at least one, the contract checks) by name or number, through chown(1).</summary>
public sealed class FsChownExecutor(PathGuard guard) : KindExecutor<FsChownParameters, FsChownResult>(FsChown.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override async Task<FsChownResult> RunAsync(FsChownParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.Path);
        string? user = parameters.User;
        string? group = parameters.Group;
        foreach (var (name, value) in new[] { ("user", user), ("group", group) })
        {
            if (!string.IsNullOrEmpty(value) && (value.Length > 32 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') || value[0] is '-' or '.'))
                throw TaskFailureException.Invalid($"{name} '{value}' is not a valid name or number");
        }
        if (!File.Exists(path) && !Directory.Exists(path)) throw TaskFailureException.NotFound($"'{path}' does not exist");
        string owner = $"{user}{(string.IsNullOrEmpty(group) ? "" : ":" + group)}";
        using (var pinned = PinnedPath.Parent(path))
            await Tool.RunAsync(context, "chown", ["--no-dereference", owner, "--", pinned.PathForChild], cancellationToken).ConfigureAwait(false);
        context.Report(1, owner);
        return new FsChownResult(path, user, group);
    }
}
