using System.Text.RegularExpressions;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>
/// Rules of the code base that a reviewer would otherwise check by hand: each log event id means one thing in a
/// process's logs, comments cite only documents that ship with the repository, and executors are registered in
/// one place; the task engine stays in parts small enough to read in one sitting.
/// </summary>
public sealed partial class RepositoryRulesTests
{
    private static readonly string Root = RepoPaths.Root;

    [Theory]
    [InlineData("station", new[] { "Station.Core", "Console.Blazor" })]
    [InlineData("agent", new[] { "Unit.Agent" })]
    public void Log_event_ids_are_unique_within_a_process(string process, string[] projects)
    {
        var ids = projects.SelectMany(p => Sources(p))
            .SelectMany(f => LoggerId().Matches(File.ReadAllText(f)).Select(m => (Id: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), File: Relative(f))))
            .ToList();
        Assert.NotEmpty(ids);
        var repeated = ids.GroupBy(i => i.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.File))}").ToList();
        Assert.True(repeated.Count == 0, $"the {process} logs the same event id for different messages:\n{string.Join("\n", repeated)}");
    }

    [Fact]
    public void Comments_cite_only_documents_in_the_repository()
    {
        var missing = new List<string>();
        foreach (var file in new[] { "Shared.Contracts", "Station.Core", "Console.Blazor", "Unit.Agent", "bench", "tests" }.SelectMany(Sources))
            foreach (Match m in DocumentName().Matches(File.ReadAllText(file)))
            {
                string doc = m.Value;
                bool exists = File.Exists(Path.Combine(Root, doc)) || File.Exists(Path.Combine(Root, "docs", doc));
                if (!exists) missing.Add($"{Relative(file)} cites {doc}");
            }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
        var claims = new[] { "Shared.Contracts", "Station.Core", "Console.Blazor", "Unit.Agent" }.SelectMany(Sources)
            .Where(f => ClaimNumber().IsMatch(File.ReadAllText(f))).Select(Relative).ToList();
        Assert.True(claims.Count == 0, "comments cite numbered claims of a design document that is not in the repository: " + string.Join(", ", claims));
    }

    [Fact]
    public void Agent_executors_are_registered_in_one_place()
    {
        var registering = Sources("Unit.Agent").Where(f => File.ReadAllText(f).Contains("AddSingleton<ITaskExecutor", StringComparison.Ordinal)).Select(Relative).ToList();
        Assert.Equal(["Unit.Agent/Execution/ExecutorRegistrations.cs"], registering);
    }

    [Fact]
    public void Task_engine_parts_are_each_readable_in_one_sitting()
    {
        var sources = Sources("Station.Core/Tasks").ToList();
        Assert.Contains(sources, f => f.EndsWith("TaskQueries.cs", StringComparison.Ordinal));
        var tooLong = sources.Select(f => (File: Relative(f), Lines: File.ReadLines(f).Count())).Where(f => f.Lines > MaxLinesPerTaskFile)
            .Select(f => $"{f.File}: {f.Lines} lines").ToList();
        Assert.True(tooLong.Count == 0, $"files of the task engine longer than {MaxLinesPerTaskFile} lines; split them by what they do:\n{string.Join("\n", tooLong)}");
        // The engine is a facade over classes of its own (admission, lifecycle, queries, …), not one class spread over many files.
        var partial = Sources("Station.Core").Where(f => PartialEngine().IsMatch(File.ReadAllText(f))).Select(Relative).ToList();
        Assert.True(partial.Count == 0, "TaskEngine is a partial class again, in: " + string.Join(", ", partial));
    }

    private const int MaxLinesPerTaskFile = 300;

    /// <summary>
    /// A status is decided on a task's error kind (<see cref="TaskErrorKind"/>), never on the words of its error: a
    /// reworded message must not turn a 404 into a 400. Product code may not test an error's text.
    /// </summary>
    [Fact]
    public void No_product_code_decides_on_the_text_of_an_error()
    {
        var offending = new[] { "Station.Core", "Console.Blazor", "Unit.Agent" }.SelectMany(Sources)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => ErrorTextTest().IsMatch(l.Text))
            .Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}").ToList();
        Assert.True(offending.Count == 0, "these lines read an error's text to decide; carry a TaskErrorKind instead:\n" + string.Join("\n", offending));
    }

    [Theory]
    [InlineData("return task.Error is { } e && e.Contains(\"already exists\", StringComparison.Ordinal) ? a : b;", true)]
    [InlineData("if (result.Error!.StartsWith(\"refused\")) Audit();", true)]
    [InlineData("var conflict = run.Error?.EndsWith(\"in use\") == true;", true)]
    [InlineData("if (result.ErrorKind == TaskErrorKind.Refused) Audit();", false)]
    [InlineData("private string? FieldError(ParameterSpec spec) => _touched.Contains(spec.Name) ? Check(spec) : null;", false)]
    public void The_error_text_rule_tells_a_text_test_from_a_kind_test(string line, bool offends) =>
        Assert.Equal(offends, ErrorTextTest().IsMatch(line));

    /// <summary>
    /// A task state is written out in one place, <c>Shared.Contracts/TaskStates.cs</c>; everything else names it through
    /// <see cref="TaskState"/> or <see cref="TaskStateNames"/>, so a renamed or added state cannot be missed somewhere.
    /// </summary>
    [Fact]
    public void Task_states_are_spelled_only_in_the_contract()
    {
        var offending = new[] { "Shared.Contracts", "Station.Core", "Console.Blazor", "Unit.Agent" }.SelectMany(Sources)
            .Where(f => !Relative(f).Equals("Shared.Contracts/TaskStates.cs", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => StateLiteral().IsMatch(l.Text))
            .Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}").ToList();
        Assert.True(offending.Count == 0, "these lines spell a task state; use TaskState or TaskStateNames:\n" + string.Join("\n", offending));
    }

    [Theory]
    [InlineData("if (row.State == \"running\") return;", true)]
    [InlineData("private static readonly string[] States = [\"queued\", \"failed\"];", true)]
    [InlineData("<td data-label=\"queued\">@t.CreatedAt</td>", false)]
    [InlineData("if (row.State == TaskState.Running) return;", false)]
    public void The_state_rule_tells_a_spelled_state_from_a_named_one(string line, bool offends) =>
        Assert.Equal(offends, StateLiteral().IsMatch(line));

    /// <summary>
    /// No test is skipped: a test that cannot run here fails saying what it needs (<see cref="Needs"/>), so it is named
    /// among the failures instead of passing by unnoticed. This file is left out: it spells the patterns it looks for.
    /// </summary>
    [Fact]
    public void No_test_is_skipped()
    {
        var offending = Sources("tests")
            .Where(f => !f.EndsWith("/RepositoryRulesTests.cs", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => SkippedTest().IsMatch(l.Text))
            .Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}").ToList();
        Assert.True(offending.Count == 0, "these lines skip a test; make it fail with what it needs (Needs.Root, Needs.Tools) instead:\n" + string.Join("\n", offending));
    }

    [Theory]
    [InlineData("[Fact(Skip = \"flaky on CI\")]", true)]
    [InlineData("[Theory(Timeout = 1000, Skip=\"later\")]", true)]
    [InlineData("Assert.Skip(\"no md driver\");", true)]
    [InlineData("Assert.SkipWhen(!File.Exists(\"/proc/mdstat\"), \"no md\");", true)]
    [InlineData("[SkippableFact]", true)]
    [InlineData("Skip.IfNot(Environment.IsPrivilegedProcess);", true)]
    [InlineData("var rest = lines.Skip(1).ToList();", false)]
    [InlineData("[Fact]", false)]
    public void The_skip_rule_tells_a_skipped_test_from_a_skip_of_a_sequence(string line, bool offends) =>
        Assert.Equal(offends, SkippedTest().IsMatch(line));

    /// <summary>
    /// <c>./test</c> installs the package of each tool the tests drive, and <see cref="Needs"/> names the same packages when a
    /// test finds a tool missing: the two lists are the same pairs of tool and Debian package.
    /// </summary>
    [Fact]
    public void The_test_command_and_the_tests_name_the_same_packages()
    {
        var script = ScriptPackage().Matches(File.ReadAllText(Path.Combine(Root, "test")))
            .Select(m => $"{m.Groups[1].Value}:{m.Groups[2].Value}").Order(StringComparer.Ordinal).ToList();
        var tests = Needs.Packages.Select(p => $"{p.Key}:{p.Value}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(tests, script);
        Assert.All(Needs.StorageTools, t => Assert.Contains(t, Needs.Packages.Keys));
    }

    private static IEnumerable<string> Sources(string project) =>
        Directory.EnumerateFiles(Path.Combine(Root, project), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));

    private static string Relative(string file) => Path.GetRelativePath(Root, file);

    /// <summary>A line that reads <c>.Error</c> (or <c>.Error!</c>, <c>.Error?</c>) and tests text with Contains, StartsWith or EndsWith.</summary>
    [GeneratedRegex(@"\.Error\b(?!Kind).*\b(?:Contains|StartsWith|EndsWith)\(|\b(?:Contains|StartsWith|EndsWith)\(.*\.Error\b(?!Kind)")]
    private static partial Regex ErrorTextTest();

    /// <summary>A state name in quotes, except as a table column's label (<c>data-label="queued"</c>).</summary>
    [GeneratedRegex(@"(?<!data-label=)""(?:queued|waitingForLocks|dispatched|running|succeeded|failed|cancelled|interrupted)""")]
    private static partial Regex StateLiteral();

    /// <summary>A skipped test: xunit's Skip property or Assert.Skip*, or the SkippableFact package's attributes and Skip.If*.</summary>
    [GeneratedRegex(@"\bSkip\s*=\s*""|\bAssert\.Skip\w*\(|\bSkip(?:pable)?(?:Fact|Theory)\b|\bSkip\.If\w*\(")]
    private static partial Regex SkippedTest();

    /// <summary>A <c>tool:package</c> pair of the <c>needed</c> list in <c>./test</c> (one a line, or added with <c>needed+=(…)</c>).</summary>
    [GeneratedRegex(@"(?m)(?:^\s+|needed\+=\()([a-z][\w.-]*):([a-z][\w.+-]*)(?=[\s)])")]
    private static partial Regex ScriptPackage();

    [GeneratedRegex(@"LoggerMessage\((?:EventId\s*=\s*)?(\d+)")]
    private static partial Regex LoggerId();

    [GeneratedRegex(@"\bpartial\s+class\s+TaskEngine\b")]
    private static partial Regex PartialEngine();

    [GeneratedRegex(@"\b[\w./-]+\.md\b")]
    private static partial Regex DocumentName();

    [GeneratedRegex(@"\bclaim \d+[a-z]?\b")]
    private static partial Regex ClaimNumber();
}
