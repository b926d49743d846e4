namespace Ccdsvm.EndToEnd.Tests.Packaging;

/// <summary>deploy/agent/install.sh refuses bad arguments with a clear message (exit 2) before it touches anything.</summary>
public sealed class AgentInstallScriptTests
{
    private static readonly string Fingerprint = string.Join(':', Enumerable.Repeat("0F", 32));

    [Theory]
    [InlineData("", "expected 3 arguments URL TOKEN FINGERPRINT, got 0")]
    [InlineData("ftp://station:5080|token-123456|FP", "is not a station address")]
    [InlineData("https://station:5080|tok en|FP", "expected 3 arguments")]
    [InlineData("https://station:5080|short|FP", "TOKEN is not an enrolment token")]
    [InlineData("https://station:5080|token-123456|AB:CD", "is not a SHA-256 fingerprint")]
    [InlineData("https://station:5080|token-123456|FP|--name|Bad_Name", "unit name 'Bad_Name' must be")]
    [InlineData("https://station:5080|token-123456|FP|--frobnicate", "unknown option --frobnicate")]
    public async Task Bad_arguments_are_refused_with_a_message_and_exit_code_2(string args, string message)
    {
        using var root = new TempDir("install-sh-root");
        var list = args.Length == 0 ? [] : args.Replace("tok en", "tok|en", StringComparison.Ordinal).Split('|').Select(a => a == "FP" ? Fingerprint : a).ToList();
        var result = await Run([.. list, "--root", root.Path, "--deb", "/nonexistent.deb"]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root.Path));
    }

    [Fact]
    public async Task A_missing_package_is_named()
    {
        var result = await Run(["https://station:5080", "token-123456", Fingerprint, "--name", "unit-a", "--deb", "/nonexistent/ccdsvm-agent_1.0.0_amd64.deb", "--dry-run"]);
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("the agent package /nonexistent/ccdsvm-agent_1.0.0_amd64.deb does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_says_what_it_would_do_and_changes_nothing()
    {
        using var root = new TempDir("install-sh-root");
        using var debs = new TempDir("install-sh-deb");
        string deb = debs.File("ccdsvm-agent_1.0.0_amd64.deb");
        await File.WriteAllTextAsync(deb, "not read in a dry run");
        var result = await Run(["https://station.example.net:5080", "token-123456", "sha256:" + Fingerprint.Replace(":", "", StringComparison.Ordinal), "--name", "unit-a", "--root", root.Path, "--deb", deb, "--dry-run"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"would run: dpkg --root={root.Path} --force-script-chrootless --force-depends -i {deb}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("    Agent__StationUrl=https://station.example.net:5080", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("    Agent__Name=unit-a", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("    Agent__EnrolToken=(the token)", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("token-123456", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"would run: systemctl --root={root.Path} enable ccdsvm-agent.service", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root.Path));
    }

    [Theory]
    [InlineData("-_UANJdwZ7Nj8LmxwJOB6670hXMgGHehkaislOJtV78")]
    [InlineData("--x9Qk2LmVb7Wq0pZr4TnYs8Hc3Jd6Fg1Ae5Ku2Io0Pl")]
    public async Task A_token_that_begins_with_a_dash_is_the_token_not_an_option(string token)
    {
        using var root = new TempDir("install-sh-root");
        using var debs = new TempDir("install-sh-deb");
        string deb = debs.File("ccdsvm-agent_1.0.0_amd64.deb");
        await File.WriteAllTextAsync(deb, "not read in a dry run");
        var result = await Run(["https://station.example.net:5080", token, Fingerprint, "--name", "unit-a", "--root", root.Path, "--deb", deb, "--dry-run"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("    Agent__EnrolToken=(the token)", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root.Path));
    }

    private static Task<CommandResult> Run(IEnumerable<string> args) =>
        HostCommand.RunAsync("bash", [Path.Combine(RepoPaths.Root, "deploy", "agent", "install.sh"), .. args], TimeSpan.FromSeconds(30));
}
