using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>
/// A failed fs task tells the station why it failed (its error kind) beside its message, through the real runner
/// and executors: the station decides statuses on the kind, so each must be the one a person would expect.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsErrorKindTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ccdsvm-kind-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _root;
    private readonly FsHarness _h;

    public FsErrorKindTests()
    {
        _root = Path.Combine(_dir, "root");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(Path.Combine(_dir, "outside"));
        File.WriteAllText(Path.Combine(_root, "here.txt"), "here");
        _h = new FsHarness(_root);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<TaskResult> FailedAsync(string kind, object parameters)
    {
        var o = await _h.RunAsync(kind, parameters);
        Assert.Equal(TaskOutcome.Failed, o.Result.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(o.Result.Error));
        return o.Result;
    }

    [Fact]
    public async Task Stat_of_a_missing_path_fails_NotFound_with_its_message()
    {
        var result = await FailedAsync(TaskKinds.FsStat, new { path = $"{_root}/missing.txt" });

        Assert.Equal(TaskErrorKind.NotFound, result.ErrorKind);
        Assert.Equal($"'{_root}/missing.txt' does not exist", result.Error);
    }

    [Fact]
    public async Task Existing_targets_fail_Conflict_and_are_left_as_they_were()
    {
        var mkdir = await FailedAsync(TaskKinds.FsMkdir, new { path = $"{_root}/here.txt" });
        var write = await FailedAsync(TaskKinds.FsWrite, new { path = $"{_root}/here.txt", content = "other" });
        var rename = await FailedAsync(TaskKinds.FsRename, new { from = $"{_root}/here.txt", to = $"{_root}/here.txt" });

        Assert.Equal([TaskErrorKind.Conflict, TaskErrorKind.Conflict, TaskErrorKind.Conflict], new[] { mkdir.ErrorKind, write.ErrorKind, rename.ErrorKind });
        Assert.Equal("here", File.ReadAllText(Path.Combine(_root, "here.txt")));
    }

    [Fact]
    public async Task Bad_parameters_fail_Invalid()
    {
        var noPath = await FailedAsync(TaskKinds.FsStat, new { });
        var relative = await FailedAsync(TaskKinds.FsStat, new { path = "here.txt" });
        var listOfFile = await FailedAsync(TaskKinds.FsList, new { path = $"{_root}/here.txt" });

        Assert.Equal(TaskErrorKind.Invalid, noPath.ErrorKind);
        Assert.Equal(TaskErrorKind.Invalid, relative.ErrorKind);
        Assert.Equal(TaskErrorKind.Invalid, listOfFile.ErrorKind);
        Assert.Contains("is a file", listOfFile.Error);
    }

    [Fact]
    public async Task A_path_outside_the_roots_is_Refused_by_the_units_policy()
    {
        var result = await FailedAsync(TaskKinds.FsStat, new { path = $"{_dir}/outside" });

        Assert.Equal(TaskErrorKind.Refused, result.ErrorKind);
        Assert.Contains("outside this unit's roots", result.Error);
        Assert.True(Directory.Exists(Path.Combine(_dir, "outside")));
    }

    [Fact]
    public async Task A_success_carries_no_error_kind()
    {
        var o = await _h.RunAsync(TaskKinds.FsStat, new { path = $"{_root}/here.txt" });

        Assert.Equal(TaskOutcome.Succeeded, o.Result.Outcome);
        Assert.Equal(TaskErrorKind.None, o.Result.ErrorKind);
    }
}
