using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.mkdir {path, parents?}</c>: without parents the parent directory must exist.</summary>
public sealed class FsMkdirExecutor(PathGuard guard) : KindExecutor<FsMkdirParameters, FsMkdirResult>(FsMkdir.Contract)
{
    public override bool NeedsDedicatedThread => false;

    protected override Task<FsMkdirResult> RunAsync(FsMkdirParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.ResolveEntry(parameters.Path);
        bool parents = parameters.Parents == true;
        if (File.Exists(path)) throw TaskFailureException.Conflict($"'{path}' exists and is a file");
        bool existed = Directory.Exists(path);
        if (existed && !parents) throw TaskFailureException.Conflict($"'{path}' already exists");
        if (!parents && !Directory.Exists(Path.GetDirectoryName(path)))
            throw TaskFailureException.NotFound($"the parent of '{path}' does not exist; pass parents: true to create it too");
        if (parents) Directory.CreateDirectory(path);
        else using (var pinned = PinnedPath.Parent(path)) Directory.CreateDirectory(pinned.Path);
        context.Report(1, existed ? "already there" : "created");
        return Task.FromResult(new FsMkdirResult(path, !existed));
    }
}
