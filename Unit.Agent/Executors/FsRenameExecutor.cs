using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.rename {from, to}</c>: renames an entry (a link itself, not its target); never replaces one.</summary>
public sealed class FsRenameExecutor(PathGuard guard) : KindExecutor<FsRenameParameters, FsRenameResult>(FsRename.Contract)
{
    public override bool NeedsDedicatedThread => false;

    protected override Task<FsRenameResult> RunAsync(FsRenameParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string from = guard.ResolveEntry(parameters.From);
        string to = guard.ResolveEntry(parameters.To);
        var source = new FileInfo(from);
        bool isDirectory = Directory.Exists(from) && source.LinkTarget is null;
        if (!source.Exists && !isDirectory && source.LinkTarget is null) throw TaskFailureException.NotFound($"'{from}' does not exist");
        if (File.Exists(to) || Directory.Exists(to) || new FileInfo(to).LinkTarget is not null) throw TaskFailureException.Conflict($"'{to}' already exists");
        if (!Directory.Exists(Path.GetDirectoryName(to))) throw TaskFailureException.NotFound($"the directory of '{to}' does not exist");
        if (isDirectory && (to + "/").StartsWith(from + "/", StringComparison.Ordinal)) throw TaskFailureException.Invalid($"cannot move '{from}' into itself");
        try
        {
            using var pinnedFrom = PinnedPath.Parent(from);
            using var pinnedTo = PinnedPath.Parent(to);
            if (isDirectory) Directory.Move(pinnedFrom.Path, pinnedTo.Path);
            else File.Move(pinnedFrom.Path, pinnedTo.Path);
        }
        catch (IOException ex)
        {
            throw new TaskFailureException($"rename of '{from}' to '{to}' failed: {ex.Message} (across file systems, use fs.copy then fs.delete)", ex);
        }
        context.Report(1, "renamed");
        return Task.FromResult(new FsRenameResult(from, to));
    }
}
