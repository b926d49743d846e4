using System.Diagnostics;

namespace Ccdsvm.EndToEnd.Tests.Packaging;

/// <summary>What a command printed and how it ended.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"{Command} exited {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs a host command (the build script, dpkg, systemd-analyze) bounded in time; its whole tree is killed at the limit.</summary>
public static class HostCommand
{
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Debian keeps useradd, dpkg's helpers and the like in the sbin directories.
        psi.Environment["PATH"] = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin") + ":/usr/local/sbin:/usr/sbin:/sbin";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        string command = $"{file} {string.Join(' ', psi.ArgumentList)}";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            throw new TimeoutException($"{command} did not finish within {limit.TotalSeconds} s\n--- stdout ---\n{await stdout}\n--- stderr ---\n{await stderr}");
        }
        return new CommandResult(command, process.ExitCode, await stdout.WaitAsync(TimeSpan.FromSeconds(30)), await stderr.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Runs it and fails with everything it printed unless it exits 0.</summary>
    public static async Task<CommandResult> CheckAsync(string file, IEnumerable<string> args, TimeSpan? limit = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await RunAsync(file, args, limit ?? TimeSpan.FromMinutes(2), environment);
        if (result.ExitCode != 0) throw new InvalidOperationException(result.ToString());
        return result;
    }
}
