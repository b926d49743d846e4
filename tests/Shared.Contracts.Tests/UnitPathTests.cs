using Ccdsvm.Shared.Contracts.Paths;

namespace Ccdsvm.Shared.Contracts.Tests;

public sealed class UnitPathTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/srv/data", "/srv/data")]
    [InlineData("/srv/data/", "/srv/data")]
    [InlineData("//srv///data//", "/srv/data")]
    [InlineData("/srv/...", "/srv/...")]
    [InlineData("/srv/.hidden/..x", "/srv/.hidden/..x")]
    [InlineData("///", "/")]
    public void Canonical_CollapsesSlashes_AndKeepsNamesThatOnlyStartWithDots(string input, string expected)
    {
        Assert.True(UnitPath.TryCanonicalize(input, out var canonical, out var problem), problem);
        Assert.Equal(expected, canonical);
        Assert.Equal(input == expected, UnitPath.IsCanonical(input));
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("", "is empty")]
    [InlineData("srv/data", "not absolute")]
    [InlineData("/srv/../etc", "'..' segment")]
    [InlineData("/..", "'..' segment")]
    [InlineData("/srv/.", "'..' segment")]
    [InlineData("/srv/./x", "'..' segment")]
    [InlineData("/srv/a\0b", "NUL")]
    [InlineData("/srv/a\tb", "control character")]
    public void NonCanonicalisable_IsRefusedWithAReason(string? input, string reason)
    {
        Assert.False(UnitPath.TryCanonicalize(input, out _, out var problem));
        Assert.Contains(reason, problem);
        Assert.Throws<ArgumentException>(() => UnitPath.Canonical(input));
    }

    [Fact]
    public void Bounds_AreThoseOfLinux()
    {
        Assert.True(UnitPath.TryCanonicalize("/" + new string('a', 255), out _, out _));
        Assert.False(UnitPath.TryCanonicalize("/" + new string('a', 256), out _, out var name));
        Assert.Contains("255 bytes", name);
        Assert.False(UnitPath.TryCanonicalize("/" + string.Join('/', Enumerable.Repeat(new string('a', 200), 21)), out _, out var whole));
        Assert.Contains("4096", whole);
    }

    [Theory]
    [InlineData("/srv/data/x", "/srv/data", true)]
    [InlineData("/srv/data", "/srv/data", true)]
    [InlineData("/srv/database", "/srv/data", false)]
    [InlineData("/anything", "/", true)]
    public void IsAtOrBelow_ComparesWholeNames(string path, string ancestor, bool expected) =>
        Assert.Equal(expected, UnitPath.IsAtOrBelow(path, ancestor));

    [Fact]
    public void Resource_OfTheRoot_IsTheFsNode() =>
        Assert.Equal("/units/a/fs", UnitPath.Resource("a", "/"));
}
