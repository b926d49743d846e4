using System.Diagnostics;

namespace Ccdsvm.Unit.Agent.Execution;

public sealed record ProcessOutput(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs an external tool with an argument list, never through a shell.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessOutput> RunAsync(string file, IEnumerable<string> args, CancellationToken ct, TimeSpan? timeout = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new TaskFailureException($"'{file}' could not be started ({ex.Message}); is it installed on this unit?", ex);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(5));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), limit.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            return new ProcessOutput(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            ct.ThrowIfCancellationRequested();
            throw new TaskFailureException($"'{file}' did not finish within its time limit and was stopped");
        }
    }
}
