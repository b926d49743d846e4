using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>
/// Issue 13.1, time of check to time of use: a directory of a checked path is swapped for a symbolic link to
/// a place outside the roots after the check; the work on the pinned path fails and the outside stays untouched.
/// </summary>
public sealed class PinnedPathTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly string _root;
    private readonly string _outside;
    private readonly PathGuard _guard;

    public PinnedPathTests()
    {
        _root = _tmp.CreateDirectory("root");
        _outside = _tmp.CreateDirectory("outside");
        File.WriteAllText(Path.Combine(_outside, "f.txt"), "outside");
        _tmp.CreateDirectory("root", "dir");
        File.WriteAllText(_tmp.Combine("root", "dir", "f.txt"), "inside");
        _guard = new PathGuard([_root]);
    }

    public void Dispose() => _tmp.Dispose();

    /// <summary>What an attacker with write access inside the root does between the agent's check and its use.</summary>
    private void SwapDirectoryForALinkOutside()
    {
        Directory.Move(_tmp.Combine("root", "dir"), _tmp.Combine("root", "dir-old"));
        Directory.CreateSymbolicLink(_tmp.Combine("root", "dir"), _outside);
    }

    [Fact]
    public void ReadingAFile_WhoseDirectoryBecameALinkAfterTheCheck_Fails()
    {
        string checkedPath = _guard.Resolve(_tmp.Combine("root", "dir", "f.txt"));
        SwapDirectoryForALinkOutside();

        var failure = Assert.Throws<TaskFailureException>(() => PinnedPath.Target(checkedPath));

        Assert.Contains("symbolic link that appeared after the unit checked it", failure.Message);
    }

    [Fact]
    public void DeletingAnEntry_WhoseDirectoryBecameALinkAfterTheCheck_FailsAndTheOutsideFileStays()
    {
        string checkedPath = _guard.ResolveEntry(_tmp.Combine("root", "dir", "f.txt"));
        SwapDirectoryForALinkOutside();

        Assert.Throws<TaskFailureException>(() => PinnedPath.Parent(checkedPath));
        Assert.Equal("outside", File.ReadAllText(Path.Combine(_outside, "f.txt")));
    }

    [Fact]
    public void APinnedDirectory_KeepsPointingAtTheCheckedOne_EvenWhenItIsSwappedAfterPinning()
    {
        string checkedPath = _guard.ResolveEntry(_tmp.Combine("root", "dir", "f.txt"));
        using var pinned = PinnedPath.Parent(checkedPath);
        SwapDirectoryForALinkOutside();

        File.Delete(pinned.Path);

        Assert.False(File.Exists(_tmp.Combine("root", "dir-old", "f.txt")));
        Assert.Equal("outside", File.ReadAllText(Path.Combine(_outside, "f.txt")));
    }

    [Fact]
    public void APinnedFile_ReadsTheCheckedContent()
    {
        using var pinned = PinnedPath.Target(_guard.Resolve(_tmp.Combine("root", "dir", "f.txt")));

        Assert.Equal("inside", File.ReadAllText(pinned.Path));
    }
}
