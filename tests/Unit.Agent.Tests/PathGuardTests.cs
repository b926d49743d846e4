using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Tests;

public sealed class PathGuardTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly string _root;
    private readonly string _outside;
    private readonly PathGuard _guard;

    public PathGuardTests()
    {
        _root = _tmp.CreateDirectory("root");
        _outside = _tmp.CreateDirectory("outside");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "not for tasks");
        _guard = new PathGuard([_root]);
    }

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Resolve_FileInsideRoot_ReturnsItsPath()
    {
        var file = Path.Combine(_root, "a.txt");
        File.WriteAllText(file, "x");

        Assert.Equal(file, _guard.Resolve(file));
    }

    [Fact]
    public void Resolve_RootItselfWithTrailingSlash_ReturnsRoot()
    {
        Assert.Equal(_root, _guard.Resolve(_root + "/"));
    }

    [Fact]
    public void Resolve_RelativePath_RefusedNamingTheRoots()
    {
        var ex = Assert.Throws<TaskFailureException>(() => _guard.Resolve("a.txt"));

        Assert.Contains("path 'a.txt' is relative", ex.Message);
        Assert.Contains(_root, ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Resolve_EmptyPath_Refused(string? path)
    {
        var ex = Assert.Throws<TaskFailureException>(() => _guard.Resolve(path));
        Assert.Contains("path is empty", ex.Message);
        Assert.Contains(_root, ex.Message);
    }

    [Fact]
    public void Resolve_DotDotEscape_Refused()
    {
        var escaping = _root + "/../outside/secret.txt";

        var ex = Assert.Throws<TaskFailureException>(() => _guard.Resolve(escaping));

        Assert.Contains("is outside this unit's roots", ex.Message);
        Assert.Contains("allowed roots: " + _root, ex.Message);
    }

    [Fact]
    public void Resolve_DotDotThatStaysInside_Accepted()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        Assert.Equal(Path.Combine(_root, "b.txt"), _guard.Resolve(_root + "/sub/../b.txt"));
    }

    [Fact]
    public void Resolve_SiblingDirectorySharingTheRootPrefix_Refused()
    {
        var sibling = _tmp.CreateDirectory("root2");

        var ex = Assert.Throws<TaskFailureException>(() => _guard.Resolve(Path.Combine(sibling, "f")));
        Assert.Contains("outside this unit's roots", ex.Message);
    }

    [Fact]
    public void Resolve_AbsoluteSymlinkPointingOutOfRoot_Refused()
    {
        var link = Path.Combine(_root, "escape");
        Directory.CreateSymbolicLink(link, _outside);

        var ex = Assert.Throws<TaskFailureException>(() => _guard.Resolve(Path.Combine(link, "secret.txt")));

        Assert.Contains("outside this unit's roots", ex.Message);
        Assert.Contains(_root, ex.Message);
    }

    [Fact]
    public void Resolve_RelativeSymlinkClimbingOutOfRoot_Refused()
    {
        var link = Path.Combine(_root, "up");
        File.CreateSymbolicLink(link, "../outside/secret.txt");

        Assert.Throws<TaskFailureException>(() => _guard.Resolve(link));
    }

    [Fact]
    public void Resolve_SymlinkToAFileOutside_Refused()
    {
        var link = Path.Combine(_root, "secret-link.txt");
        File.CreateSymbolicLink(link, Path.Combine(_outside, "secret.txt"));

        Assert.Throws<TaskFailureException>(() => _guard.Resolve(link));
    }

    [Fact]
    public void Resolve_SymlinkedDirectoryInsideRoot_AcceptedAndResolvedToTarget()
    {
        var real = Directory.CreateDirectory(Path.Combine(_root, "real")).FullName;
        File.WriteAllText(Path.Combine(real, "f.bin"), "x");
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), "real");

        var resolved = _guard.Resolve(Path.Combine(_root, "alias", "f.bin"));

        Assert.Equal(Path.Combine(real, "f.bin"), resolved);
    }

    [Fact]
    public void Resolve_NonExistentChildOfRoot_AcceptedAsWritten()
    {
        var missing = Path.Combine(_root, "not", "yet", "there.txt");

        Assert.Equal(missing, _guard.Resolve(missing));
    }

    [Fact]
    public void Resolve_SymlinkLoop_RefusedWithMessage()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "loop-a"), "loop-b");
        File.CreateSymbolicLink(Path.Combine(_root, "loop-b"), "loop-a");

        var ex = Assert.Throws<TaskFailureException>(() => _guard.Resolve(Path.Combine(_root, "loop-a")));
        Assert.Contains("too many symbolic links", ex.Message);
    }

    [Fact]
    public void Resolve_OutsideWithTwoRoots_MessageListsBothRoots()
    {
        var second = _tmp.CreateDirectory("second-root");
        var guard = new PathGuard([_root, second]);

        var ex = Assert.Throws<TaskFailureException>(() => guard.Resolve(Path.Combine(_outside, "secret.txt")));

        Assert.Contains($"allowed roots: {_root}, {second}", ex.Message);
        Assert.Equal(Path.Combine(second, "x"), guard.Resolve(Path.Combine(second, "x")));
    }

    [Fact]
    public void Constructor_RootThatIsASymlink_IsResolvedAndCreated()
    {
        var linkRoot = _tmp.Combine("link-root");
        Directory.CreateSymbolicLink(linkRoot, _root);
        var missingRoot = _tmp.Combine("made", "by", "guard");

        var guard = new PathGuard([linkRoot, missingRoot]);

        Assert.Equal([_root, missingRoot], guard.Roots);
        Assert.True(Directory.Exists(missingRoot));
        Assert.Equal(Path.Combine(_root, "f"), guard.Resolve(Path.Combine(linkRoot, "f")));
    }
}
