using System.Diagnostics;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>Runs a host tool (losetup, blkid, umount…) the way an administrator would check the agent's work, bounded in time.</summary>
public static class HostTool
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static Task<string> RunAsync(string tool, params string[] args) => RunAsync(tool, args, check: true);

    /// <summary>With <paramref name="check"/> false a failure is not an error (cleanup of things that may be gone).</summary>
    public static async Task<string> RunAsync(string tool, string[] args, bool check)
    {
        if (tool == "losetup" && check) Needs.Root("this test makes loop devices with losetup");
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Limit);
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr.WaitAsync(Limit)}");
        return await stdout.WaitAsync(Limit);
    }
}
