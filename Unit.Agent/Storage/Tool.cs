using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>Runs a storage tool: its stderr goes to the task log, a non-zero exit becomes a <see cref="TaskFailureException"/> carrying that stderr.</summary>
public static class Tool
{
    public static async Task<string> RunAsync(TaskContext? context, string file, IReadOnlyList<string> args, CancellationToken ct, string? stdin = null)
    {
        var output = await ProcessRunner.RunAsync(file, args, ct, TimeSpan.FromMinutes(30), stdin).ConfigureAwait(false);
        LogStdErr(context, file, output.StdErr);
        if (output.ExitCode != 0)
            throw new TaskFailureException($"{file} {string.Join(' ', args)} failed with exit code {output.ExitCode}: {Trimmed(output)}");
        return output.StdOut;
    }

    /// <summary>Runs a probe whose non-zero exit is an answer ("nothing found"), not a failure.</summary>
    public static async Task<ProcessOutput> ProbeAsync(string file, IReadOnlyList<string> args, CancellationToken ct) =>
        await ProcessRunner.RunAsync(file, args, ct, TimeSpan.FromMinutes(2)).ConfigureAwait(false);

    private static void LogStdErr(TaskContext? context, string file, string stderr)
    {
        if (context is null) return;
        foreach (var line in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            context.Log($"{file}: {line}");
    }

    private static string Trimmed(ProcessOutput o)
    {
        string text = string.IsNullOrWhiteSpace(o.StdErr) ? o.StdOut.Trim() : o.StdErr.Trim();
        return text.Length > 2000 ? text[..2000] + "…" : text;
    }
}
