using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>Every fs kind refuses "../" and symlinks leading out of its roots, and changes nothing outside.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsEscapeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ccdsvm-fs-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _root;
    private readonly string _outside;
    private readonly UnixFileMode _secretMode;

    public FsEscapeTests()
    {
        _root = Path.Combine(_dir, "root");
        _outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
        _secretMode = File.GetUnixFileMode(Path.Combine(_outside, "secret.txt"));
        File.WriteAllText(Path.Combine(_root, "inside.txt"), "inside");
        Directory.CreateSymbolicLink(Path.Combine(_root, "link"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "secret-link"), Path.Combine(_outside, "secret.txt"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private FsHarness Harness() => new(_root);

    public static TheoryData<string> Escapes() => ["dotdot", "dirlink", "filelink"];

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task Every_fs_kind_refuses_to_leave_the_root(string how)
    {
        var h = Harness();
        string target = how switch
        {
            "dotdot" => $"{_root}/../outside/secret.txt",
            "dirlink" => $"{_root}/link/secret.txt",
            _ => $"{_root}/secret-link",
        };
        string newName = how == "filelink" ? $"{_root}/link/new.txt" : target.Replace("secret.txt", "new.txt", StringComparison.Ordinal);
        var attempts = new (string Kind, object Parameters)[]
        {
            (TaskKinds.FsStat, new { path = target }),
            (TaskKinds.FsWrite, new { path = target, content = "x", overwrite = true }),
            (TaskKinds.FsChmod, new { path = target, mode = "0777" }),
            (TaskKinds.FsChown, new { path = target, user = "nobody" }),
            (TaskKinds.FsCopy, new { from = target, to = $"{_root}/copied.txt" }),
            (TaskKinds.FsCopy, new { from = $"{_root}/inside.txt", to = newName }),
            (TaskKinds.FsRename, new { from = $"{_root}/inside.txt", to = newName }),
            (TaskKinds.FsMkdir, new { path = newName.Replace(".txt", "-dir", StringComparison.Ordinal) }),
            (TaskKinds.FsList, new { path = Path.GetDirectoryName(target)! }),
        };
        // A '..' never reaches the file system: the kind's contract refuses the path's spelling first.
        string refusal = how == "dotdot" ? "'..' segment" : "outside this unit's roots";
        foreach (var (kind, parameters) in attempts)
        {
            if (how == "filelink" && kind == TaskKinds.FsList) continue;
            string error = await h.FailAsync(kind, parameters);
            Assert.Contains(refusal, error);
        }
        if (how != "filelink")
        {
            string error = await h.FailAsync(TaskKinds.FsDelete, new { path = target });
            Assert.Contains(refusal, error);
            error = await h.FailAsync(TaskKinds.FsRename, new { from = target, to = $"{_root}/stolen.txt" });
            Assert.Contains(refusal, error);
        }

        Assert.Equal("secret", File.ReadAllText(Path.Combine(_outside, "secret.txt")));
        Assert.Equal(["secret.txt"], Directory.GetFileSystemEntries(_outside).Select(Path.GetFileName));
        Assert.Equal(_secretMode, File.GetUnixFileMode(Path.Combine(_outside, "secret.txt")));
        Assert.True(File.Exists(Path.Combine(_root, "inside.txt")));
        Assert.False(File.Exists(Path.Combine(_root, "copied.txt")));
    }

    [Fact]
    public async Task Deleting_a_link_removes_the_link_not_its_target()
    {
        var h = Harness();
        await h.SucceedAsync(TaskKinds.FsDelete, new { path = $"{_root}/secret-link" });
        Assert.True(File.Exists(Path.Combine(_outside, "secret.txt")));
        Assert.False(File.Exists(Path.Combine(_root, "secret-link")));
        Assert.Contains("one of this unit's roots", await h.FailAsync(TaskKinds.FsDelete, new { path = _root, recursive = true }));
    }

    [Fact]
    public async Task File_kinds_work_inside_the_root()
    {
        var h = Harness();
        await h.SucceedAsync(TaskKinds.FsMkdir, new { path = $"{_root}/a/b", parents = true });
        await h.SucceedAsync(TaskKinds.FsWrite, new { path = $"{_root}/a/b/f.txt", content = "one" });
        Assert.Contains("overwrite", await h.FailAsync(TaskKinds.FsWrite, new { path = $"{_root}/a/b/f.txt", content = "two" }));
        await h.SucceedAsync(TaskKinds.FsWrite, new { path = $"{_root}/a/b/f.txt", content = "two", overwrite = true });
        Assert.Equal("two", File.ReadAllText($"{_root}/a/b/f.txt"));
        Assert.Empty(Directory.GetFiles($"{_root}/a/b", ".*"));

        var stat = await h.SucceedAsync(TaskKinds.FsStat, new { path = $"{_root}/a/b/f.txt" });
        Assert.Equal(3, stat.GetProperty("size").GetInt64());

        var copy = await h.RunAsync(TaskKinds.FsCopy, new { from = $"{_root}/a", to = $"{_root}/c", recursive = true });
        Assert.Equal(TaskOutcome.Succeeded, copy.Result.Outcome);
        Assert.Contains(1, copy.Stages);
        Assert.Equal("two", File.ReadAllText($"{_root}/c/b/f.txt"));

        await h.SucceedAsync(TaskKinds.FsRename, new { from = $"{_root}/c/b/f.txt", to = $"{_root}/c/g.txt" });
        await h.SucceedAsync(TaskKinds.FsChmod, new { path = $"{_root}/c/g.txt", mode = "0600" });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode($"{_root}/c/g.txt"));
        Assert.Contains("setuid", await h.FailAsync(TaskKinds.FsChmod, new { path = $"{_root}/c/g.txt", mode = "4755" }));
        if (Environment.IsPrivilegedProcess)
        {
            await h.SucceedAsync(TaskKinds.FsChown, new { path = $"{_root}/c/g.txt", user = "nobody" });
            Assert.Equal("nobody", StorageLab.Run("stat", "-c", "%U", $"{_root}/c/g.txt").Trim());
        }

        Assert.Contains("not empty", await h.FailAsync(TaskKinds.FsDelete, new { path = $"{_root}/c" }));
        await h.SucceedAsync(TaskKinds.FsDelete, new { path = $"{_root}/c", recursive = true });
        Assert.False(Directory.Exists($"{_root}/c"));
    }
}
