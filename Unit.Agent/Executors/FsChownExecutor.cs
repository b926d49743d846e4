using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>fs.chown {path, user?, group?}</c> (at least one) by name or number, through chown(1).</summary>
public sealed class FsChownExecutor(PathGuard guard) : ITaskExecutor
{
    public string Kind => TaskKinds.FsChown;
    public bool NeedsDedicatedThread => true;

    public async Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string path = guard.Resolve(parameters.RequiredString("path"));
        string? user = parameters.OptionalString("user");
        string? group = parameters.OptionalString("group");
        if (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(group)) throw new TaskFailure("give 'user', 'group' or both");
        foreach (var (name, value) in new[] { ("user", user), ("group", group) })
        {
            if (!string.IsNullOrEmpty(value) && (value.Length > 32 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') || value[0] is '-' or '.'))
                throw new TaskFailure($"{name} '{value}' is not a valid name or number");
        }
        if (!File.Exists(path) && !Directory.Exists(path)) throw new TaskFailure($"'{path}' does not exist");
        string owner = $"{user}{(string.IsNullOrEmpty(group) ? "" : ":" + group)}";
        using (var pinned = PinnedPath.Parent(path))
            await Tool.RunAsync(context, "chown", ["--no-dereference", owner, "--", pinned.PathForChild], cancellationToken).ConfigureAwait(false);
        context.Report(1, owner);
        return new { path, user, group };
    }
}
