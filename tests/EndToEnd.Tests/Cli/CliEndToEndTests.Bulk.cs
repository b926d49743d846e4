using System.Globalization;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Cli;

public sealed partial class CliEndToEndTests
{
    /// <summary>
    /// `bulk preview|run|children` and `schedule add|list|disable|runs|rm` against the real station: a bulk task over the
    /// units a name pattern selects runs and rolls up, its children are listed, and a schedule is created, read, disabled
    /// and removed; bad input is exit 2 with words before (or instead of) anything starting.
    /// </summary>
    [Fact]
    public async Task BulkAndSchedule_PreviewRunChildren_AddListDisableRemove_BadInputIsExit2()
    {
        using var home = new TempDir("cli-bulk");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);

        var preview = await cli.RunAsync("bulk", "preview", "storage.inventory", "--name", "stat*", "-o", "json");
        Assert.True(preview.ExitCode == 0, preview.ToString());
        using (var doc = JsonDocument.Parse(preview.Stdout))
            Assert.Equal("station", Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("id").GetString());
        Assert.Contains("1 unit(s) match", preview.Stderr, StringComparison.Ordinal);

        var run = await cli.RunAsync("bulk", "run", "storage.inventory", "--name", "stat*", "--parallelism", "50%", "--max-failures", "1", "-o", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        long parent;
        using (var doc = JsonDocument.Parse(run.Stdout))
        {
            var ended = Assert.Single(doc.RootElement.EnumerateArray());
            Assert.Equal(("bulk", "succeeded"), (ended.GetProperty("kind").GetString(), ended.GetProperty("state").GetString()));
            Assert.Equal(1, ended.GetProperty("result").GetProperty("succeeded").GetInt32());
            parent = ended.GetProperty("id").GetInt64();
        }
        var children = await cli.RunAsync("bulk", "children", parent.ToString(CultureInfo.InvariantCulture), "-o", "json");
        Assert.True(children.ExitCode == 0, children.ToString());
        using (var doc = JsonDocument.Parse(children.Stdout))
        {
            var child = Assert.Single(doc.RootElement.EnumerateArray());
            Assert.Equal(("station", "succeeded"), (child.GetProperty("unit").GetString(), child.GetProperty("state").GetString()));
        }

        foreach (var (args, words) in new (string[], string)[]
        {
            (["bulk", "run", "storage.inventory"], "say which units"),
            (["bulk", "run", "storage.inventory", "--tag", "web", "--target", "station"], "not both"),
            (["bulk", "run", "storage.inventory", "--name", "stat*", "--parallelism", "lots"], "--parallelism must be a number of units"),
            (["bulk", "run", "storage.inventory", "--name", "no-such-unit-*"], "the selector matches no unit"),
            (["schedule", "add", "bad", "--cron", "every night", "--kind", "storage.inventory", "--target", "station"], "cron"),
        })
        {
            var refused = await cli.RunAsync(args);
            Assert.True(refused.ExitCode == 2, refused.ToString());
            Assert.Contains(words, refused.Stderr, StringComparison.Ordinal);
        }

        var added = await cli.RunAsync("schedule", "add", "cli-nightly", "--cron", "30 2 * * *", "--time-zone", "Europe/Berlin", "--kind", "storage.inventory",
            "--tag", "nightly", "--parallelism", "10%", "-o", "json");
        Assert.True(added.ExitCode == 0, added.ToString());
        string id;
        using (var doc = JsonDocument.Parse(added.Stdout))
        {
            var s = doc.RootElement;
            id = s.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
            Assert.Equal(("Europe/Berlin", true), (s.GetProperty("timeZone").GetString(), s.GetProperty("enabled").GetBoolean()));
            Assert.Equal("nightly", s.GetProperty("template").GetProperty("selector").GetProperty("tag").GetString());
            Assert.Equal(JsonValueKind.String, s.GetProperty("nextRun").ValueKind);
        }
        var listed = await cli.RunAsync("schedule", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("cli-nightly", listed.Stdout, StringComparison.Ordinal);

        var disabled = await cli.RunAsync("schedule", "disable", id, "-o", "json");
        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        using (var doc = JsonDocument.Parse(disabled.Stdout))
        {
            Assert.False(doc.RootElement.GetProperty("enabled").GetBoolean());
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("nextRun").ValueKind);
            Assert.Equal("30 2 * * *", doc.RootElement.GetProperty("cron").GetString());
        }
        var runs = await cli.RunAsync("schedule", "runs", id, "-o", "json");
        Assert.True(runs.ExitCode == 0, runs.ToString());
        Assert.Equal("[]", runs.Stdout.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));

        var removed = await cli.RunAsync("schedule", "rm", id);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        var gone = await cli.RunAsync("schedule", "show", id);
        Assert.True(gone.ExitCode == 4, gone.ToString());
    }
}
