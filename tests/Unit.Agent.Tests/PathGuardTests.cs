using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Tests;

public sealed class PathGuardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-guard-").FullName;
    private readonly string _root;
    private readonly string _outside;
    private readonly PathGuard _guard;

    public PathGuardTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
        File.WriteAllText(Path.Combine(_root, "ok.txt"), "ok");
        _guard = new PathGuard([_root]);
    }

    [Fact]
    public void PathInsideRoot_IsAccepted() =>
        Assert.Equal(Path.Combine(_root, "ok.txt"), _guard.Resolve(Path.Combine(_root, "ok.txt")));

    [Fact]
    public void NotYetExistingPathInsideRoot_IsAccepted() =>
        Assert.Equal(Path.Combine(_root, "new", "file.bin"), _guard.Resolve(Path.Combine(_root, "new", "file.bin")));

    [Fact]
    public void DotDotEscape_IsRefusedWithTheRootList()
    {
        var ex = Assert.Throws<TaskFailure>(() => _guard.Resolve(_root + "/../outside/secret.txt"));
        Assert.Contains("outside this unit's roots", ex.Message);
        Assert.Contains(_root, ex.Message);
    }

    [Fact]
    public void SymlinkPointingOutOfTheRoot_IsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);
        Assert.Throws<TaskFailure>(() => _guard.Resolve(Path.Combine(_root, "escape", "secret.txt")));
    }

    [Fact]
    public void SymlinkInsideTheRoot_IsFollowed()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real"));
        File.CreateSymbolicLink(Path.Combine(_root, "alias"), Path.Combine(_root, "real"));
        Assert.Equal(Path.Combine(_root, "real", "x"), _guard.Resolve(Path.Combine(_root, "alias", "x")));
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    public void RelativeEmptyOrForeignPaths_AreRefused(string path) =>
        Assert.Throws<TaskFailure>(() => _guard.Resolve(path));

    [Fact]
    public void RootItself_IsAccepted() => Assert.Equal(_root, _guard.Resolve(_root + "/"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
