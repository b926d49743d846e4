using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>
/// The real <c>ccdsvm</c> process against one real station (its embedded agent is the unit <c>station</c>), as an
/// administrator would use it from a script: login and profiles, tasks on two targets at once, exit codes, trust.
/// </summary>
[Collection(ProcessCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class CliEndToEndTests(CliStationFixture fixture) : IClassFixture<CliStationFixture>
{
    private StationProcess Station => fixture.Station;

    private static Dictionary<string, string> Env(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private async Task LoginAsync(CliRunner cli, string? profile = null)
    {
        string[] args = ["login", "--url", Station.BaseUrl.ToString(), "--fingerprint", Station.Fingerprint, "--user", "admin", "--password-stdin"];
        if (profile is not null) args = [.. args, "--profile", profile];
        var login = await cli.RunAsync(args, stdin: Station.AdminPassword + "\n");
        Assert.True(login.ExitCode == 0, login.ToString());
    }

    [Fact]
    public async Task Login_KeepsTokenInMode0600Config_FlagsBeatEnvironmentBeatConfig()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);

        Assert.True(File.Exists(cli.ConfigFile), "login wrote no config under XDG_CONFIG_HOME");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
        using (var config = JsonDocument.Parse(await File.ReadAllTextAsync(cli.ConfigFile)))
        {
            var profile = config.RootElement.GetProperty("profiles").GetProperty("default");
            Assert.False(string.IsNullOrEmpty(profile.GetProperty("token").GetString()));
            Assert.Equal(Station.Fingerprint, profile.GetProperty("fingerprint").GetString());
        }

        // The config alone is enough: the stored token and pin reach the station.
        var units = await cli.RunAsync("units", "list", "-o", "json");
        Assert.True(units.ExitCode == 0, units.ToString());
        using (var doc = JsonDocument.Parse(units.Stdout))
            Assert.Contains(doc.RootElement.EnumerateArray(), u => u.GetProperty("id").GetString() == "station");

        // The environment beats the config: a station address nobody listens on is unreachable (6) …
        string nowhere = $"https://127.0.0.1:{FreePort.Next()}";
        var viaEnv = await cli.RunAsync(["units", "list"], Env(("CCDSVM_URL", nowhere)));
        Assert.True(viaEnv.ExitCode == 6, viaEnv.ToString());
        Assert.Contains("cannot reach the station", viaEnv.Stderr, StringComparison.Ordinal);
        // … and a flag beats the environment.
        var viaFlag = await cli.RunAsync(["units", "list", "--url", Station.BaseUrl.ToString()], Env(("CCDSVM_URL", nowhere)));
        Assert.True(viaFlag.ExitCode == 0, viaFlag.ToString());
        // A token from the environment replaces the stored one: a wrong one is not authenticated (3).
        var badToken = await cli.RunAsync(["units", "list"], Env(("CCDSVM_TOKEN", "not-a-token")));
        Assert.True(badToken.ExitCode == 3, badToken.ToString());
        // CCDSVM_PROFILE picks another profile, which does not exist yet.
        var otherProfile = await cli.RunAsync(["units", "list"], Env(("CCDSVM_PROFILE", "lab")));
        Assert.True(otherProfile.ExitCode == 3, otherProfile.ToString());
        Assert.Contains("no station for profile 'lab'", otherProfile.Stderr, StringComparison.Ordinal);

        var logout = await cli.RunAsync("logout");
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
        var afterLogout = await cli.RunAsync("units", "list");
        Assert.True(afterLogout.ExitCode == 3, afterLogout.ToString());
        Assert.Contains("ccdsvm login", afterLogout.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskRun_OnTwoTargetsWithAnApiToken_BothSucceed_JsonCarriesBoth_PlainLinesWithoutTerminal()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        var created = await cli.RunAsync("token", "create", "--name", "ci", "--expires", "30d", "--quiet");
        Assert.True(created.ExitCode == 0, created.ToString());
        string apiToken = created.Stdout.Trim();
        Assert.False(string.IsNullOrEmpty(apiToken), created.ToString());

        // A script with no config at all: everything from the environment.
        File.Delete(cli.ConfigFile);
        var env = Env(("CCDSVM_URL", Station.BaseUrl.ToString()), ("CCDSVM_TOKEN", apiToken), ("CCDSVM_FINGERPRINT", Station.Fingerprint));
        string dir = Path.Combine(Station.StationRoot, "cli-two-" + Guid.NewGuid().ToString("N")[..8], "inner");
        var run = await cli.RunAsync(["task", "run", "fs.mkdir", "--target", "station", "--target", "station",
            "--param", "path=" + dir, "--param", "parents=true", "-o", "json"], env);
        Assert.True(run.ExitCode == 0, run.ToString());

        using var doc = JsonDocument.Parse(run.Stdout);
        var tasks = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, tasks.Count);
        Assert.All(tasks, t =>
        {
            Assert.Equal("succeeded", t.GetProperty("state").GetString());
            Assert.Equal("fs.mkdir", t.GetProperty("kind").GetString());
            Assert.Equal("station", t.GetProperty("target").GetString());
            Assert.Equal(dir, t.GetProperty("result").GetProperty("path").GetString());
        });
        Assert.NotEqual(tasks[0].GetProperty("id").GetInt64(), tasks[1].GetProperty("id").GetInt64());
        Assert.True(Directory.Exists(dir), $"{dir} was not created");

        // Not on a terminal: no escape codes, and progress as plain timestamped lines on stderr.
        Assert.DoesNotContain('\u001b', run.Stdout + run.Stderr);
        foreach (var t in tasks)
            Assert.Matches(new Regex($@"(?m)^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ task {t.GetProperty("id").GetInt64()} fs\.mkdir on station: succeeded$"), run.Stderr);

        // The same tasks read back: `task show` and `task list` agree.
        long first = tasks[0].GetProperty("id").GetInt64();
        var show = await cli.RunAsync(["task", "show", first.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json"], env);
        Assert.True(show.ExitCode == 0, show.ToString());
        using (var shown = JsonDocument.Parse(show.Stdout)) Assert.Equal("succeeded", shown.RootElement.GetProperty("state").GetString());
        var missing = await cli.RunAsync(["task", "show", "987654321"], env);
        Assert.True(missing.ExitCode == 4, missing.ToString());
    }

    [Fact]
    public async Task TaskRun_FailingTask_Exits1WithTheError()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        // No parents: the missing parent directory makes the task fail on the unit.
        string path = Path.Combine(Station.StationRoot, "no-such-parent-" + Guid.NewGuid().ToString("N")[..8], "child");
        var run = await cli.RunAsync("task", "run", "fs.mkdir", "-t", "station", "-p", "path=" + path);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public async Task TaskRun_BadParameterOrKind_RefusedBeforeAnyRequest_Exit2()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        // Nobody listens there: had the CLI sent anything, it would exit 6 (unreachable), not 2.
        var env = Env(("CCDSVM_URL", $"https://127.0.0.1:{FreePort.Next()}"), ("CCDSVM_TOKEN", "unused"));

        var typo = await cli.RunAsync(["task", "run", "fs.mkdir", "-t", "station", "-p", "pth=/srv/x"], env);
        Assert.True(typo.ExitCode == 2, typo.ToString());
        Assert.Contains("fs.mkdir has no parameter 'pth' (did you mean path?)", typo.Stderr, StringComparison.Ordinal);

        var kind = await cli.RunAsync(["task", "run", "fs.mkdr", "-t", "station", "-p", "path=/srv/x"], env);
        Assert.True(kind.ExitCode == 2, kind.ToString());
        Assert.Contains("unknown kind 'fs.mkdr' (did you mean fs.mkdir?)", kind.Stderr, StringComparison.Ordinal);

        var relative = await cli.RunAsync(["task", "run", "fs.mkdir", "-t", "station", "-p", "path=srv/x"], env);
        Assert.True(relative.ExitCode == 2, relative.ToString());
        Assert.Contains("'path'", relative.Stderr, StringComparison.Ordinal);

        var option = await cli.RunAsync(["task", "run", "fs.mkdir", "--targte", "station"], env);
        Assert.True(option.ExitCode == 2, option.ToString());

        // What a kind takes is readable without a station, from the same contracts.
        var kinds = await cli.RunAsync(["task", "kinds", "fs.mkdir", "-o", "json"], env);
        Assert.True(kinds.ExitCode == 0, kinds.ToString());
        using var described = JsonDocument.Parse(kinds.Stdout);
        Assert.Contains(described.RootElement.EnumerateArray(), p => p.GetProperty("name").GetString() == "path" && p.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task BackupCreate_WritesTheEncryptedBackup_ATooShortPassphraseIsRefusedWithExit2()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);

        var made = await cli.RunAsync(["backup", "create", "--passphrase-stdin", "-o", "json"], stdin: "a long enough backup passphrase\n");
        Assert.True(made.ExitCode == 0, made.ToString());
        using (var doc = JsonDocument.Parse(made.Stdout))
        {
            string file = Path.Combine(Station.DataDirectory, "backups", doc.RootElement.GetProperty("file").GetString()!);
            Assert.True(File.Exists(file), file);
            Assert.Equal(new FileInfo(file).Length, doc.RootElement.GetProperty("bytes").GetInt64());
            Assert.Equal("ok", doc.RootElement.GetProperty("integrity").GetString());
        }

        var refused = await cli.RunAsync(["backup", "create", "--passphrase-stdin"], stdin: "short\n");
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("too short", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownUnit_Exit4_NamesTheClosestUnit()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        var run = await cli.RunAsync("task", "run", "fs.list", "-t", "statoin", "-p", "path=" + Station.StationRoot);
        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("unit 'statoin' not found (did you mean station?)", run.Stderr, StringComparison.Ordinal);
        var show = await cli.RunAsync("units", "show", "statoin");
        Assert.True(show.ExitCode == 4, show.ToString());

        // The station filters: a search that matches names the unit, one that matches nothing lists none (of a total).
        var found = await cli.RunAsync("units", "list", "--search", "stat", "--limit", "5", "-o", "json");
        Assert.True(found.ExitCode == 0, found.ToString());
        using (var doc = JsonDocument.Parse(found.Stdout))
            Assert.Contains(doc.RootElement.EnumerateArray(), u => u.GetProperty("id").GetString() == "station");
        var none = await cli.RunAsync("units", "list", "--search", "no-such-unit-anywhere", "-o", "json");
        Assert.True(none.ExitCode == 0, none.ToString());
        using (var doc = JsonDocument.Parse(none.Stdout)) Assert.Equal(0, doc.RootElement.GetArrayLength());
        Assert.Contains("0 of 0 units", none.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithWrongFingerprintOrNoTrust_RefusesTheStation_Exit3_StoresNothing_CaFileWorks()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        string wrong = Convert.ToHexString(SHA256.HashData("not the station"u8));
        var login = await cli.RunAsync(["login", "--url", Station.BaseUrl.ToString(), "--fingerprint", wrong, "--user", "admin", "--password-stdin"],
            stdin: Station.AdminPassword + "\n");
        Assert.True(login.ExitCode == 3, login.ToString());
        Assert.Contains("refusing the station", login.Stderr, StringComparison.Ordinal);
        Assert.Contains("neither pinned nor issued by a pinned certificate", login.Stderr, StringComparison.Ordinal);
        Assert.Contains("--fingerprint", login.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.ConfigFile), "a refused login must not store anything");

        // Without any pin the station's own CA is not in the system trust store: refused too, never accepted silently.
        var unpinned = await cli.RunAsync(["login", "--url", Station.BaseUrl.ToString(), "--user", "admin", "--password-stdin"], stdin: Station.AdminPassword + "\n");
        Assert.True(unpinned.ExitCode == 3, unpinned.ToString());
        Assert.Contains("not trusted by this host", unpinned.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.ConfigFile), "a refused login must not store anything");

        // The station's CA as a file, as an operator would copy it: trusted, and kept in the profile.
        var withCaFile = await cli.RunAsync(["login", "--url", Station.BaseUrl.ToString(), "--ca-file", Path.Combine(Station.DataDirectory, "tls", "ca.crt"),
            "--user", "admin", "--password-stdin"], stdin: Station.AdminPassword + "\n");
        Assert.True(withCaFile.ExitCode == 0, withCaFile.ToString());
        var units = await cli.RunAsync("units", "list", "-q");
        Assert.True(units.ExitCode == 0, units.ToString());
        Assert.Contains("station", units.Stdout.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Completion_BashAndZsh_AreScriptsThatAskTheParser_HelpListsTheExitCodes()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        var script = await cli.RunAsync("completion", "bash");
        Assert.True(script.ExitCode == 0, script.ToString());
        Assert.Contains("complete -o default -F _ccdsvm_complete ccdsvm", script.Stdout, StringComparison.Ordinal);
        string file = home.File("ccdsvm.bash");
        await File.WriteAllTextAsync(file, script.Stdout);
        // bash -n checks the syntax; HostTool throws on a non-zero exit, naming what bash said.
        await HostTool.RunAsync("bash", "-n", file);

        // What the script calls: the parser's own suggestions for the word being typed.
        var suggest = await cli.RunAsync("[suggest:9]", "ccdsvm ta");
        Assert.True(suggest.ExitCode == 0, suggest.ToString());
        Assert.Contains("task", suggest.Stdout.Split('\n', StringSplitOptions.TrimEntries));

        var zsh = await cli.RunAsync("completion", "zsh");
        Assert.True(zsh.ExitCode == 0, zsh.ToString());
        Assert.StartsWith("#compdef ccdsvm", zsh.Stdout, StringComparison.Ordinal);
        Assert.Contains("[suggest:", zsh.Stdout, StringComparison.Ordinal);
        var unknownShell = await cli.RunAsync("completion", "tcsh");
        Assert.True(unknownShell.ExitCode == 2, unknownShell.ToString());

        var help = await cli.RunAsync("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var line in new[] { "0    success", "1    a task failed or was cancelled", "2    usage error", "3    not authenticated or not allowed",
                     "4    not found", "5    refused by the station", "6    station unreachable", "130  interrupted" })
            Assert.Contains(line, help.Stdout, StringComparison.Ordinal);
    }
}
