using System.Diagnostics;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>
/// <c>./test</c>, the README's one test command, on a machine that lacks one tool: it names the tool and the exact
/// <c>apt-get install</c> line of its package, and stops. Only <c>--check-only</c> runs here, which never installs
/// anything and never starts <c>dotnet test</c>; the tool is hidden by giving the script a PATH without it.
/// </summary>
public sealed class TestCommandTests
{
    [Fact]
    public async Task Check_only_names_the_missing_tool_and_the_apt_line_of_its_package_and_stops()
    {
        using var bin = new TempDir("test-command-path");
        // Everything the script runs, and every tool it checks except sfdisk; dotnet is a stand-in that is never started.
        foreach (var tool in new[] { "bash", "dirname", "id" }.Concat(Needs.Packages.Keys).Where(t => t != "sfdisk"))
            if (Needs.Find(tool) is { } found) File.CreateSymbolicLink(bin.File(tool), found);
        File.CreateSymbolicLink(bin.File("dotnet"), Needs.Find("false")!);
        var missing = Needs.Packages.Keys.Where(t => t == "sfdisk" || (Needs.Find(t) is null && (t != "mdadm" || File.Exists("/proc/mdstat")))).ToList();
        string packages = string.Join(' ', Needs.Packages.Where(p => missing.Contains(p.Key)).Select(p => p.Value).Distinct());

        var (exitCode, stdout, stderr) = await RunAsync(bin.Path, "--check-only");

        Assert.True(exitCode == 3, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("./test: missing ", stdout);
        Assert.Contains("sfdisk", stdout.Split('\n').Single(l => l.StartsWith("./test: missing ", StringComparison.Ordinal)).Split(' '));
        string line = Environment.IsPrivilegedProcess
            ? $"./test: as root it would run: apt-get update && apt-get install -y --no-install-recommends {packages}"
            : $"sudo apt-get update && sudo apt-get install -y --no-install-recommends {packages}";
        Assert.Contains(line, (stdout + stderr).Split('\n'));
        Assert.DoesNotContain("dotnet test", stdout + stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>./test</c> with PATH set to <paramref name="path"/> alone (no sbin directories added).</summary>
    private static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string path, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "test")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = path;
        psi.Environment["TEST_SBIN_DIRS"] = "";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout, await stderr);
    }
}
