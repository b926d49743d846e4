namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>A volume's id is its owner and name as two segments, read back into exactly those parts.</summary>
public sealed class VolumeIdTests
{
    [Fact]
    public void Owner_a_volume_b_c_and_owner_a_b_volume_c_are_different_resources()
    {
        Assert.Equal("/units/u/volumes/a/b-c", VolumeIds.Resource("u", "a", "b-c"));
        Assert.Equal("/units/u/volumes/a-b/c", VolumeIds.Resource("u", "a-b", "c"));
        Assert.NotEqual(VolumeIds.Of("a", "b-c"), VolumeIds.Of("a-b", "c"));
    }

    [Theory]
    [InlineData("/units/u/volumes/a/b-c", "a")]
    [InlineData("/units/u/volumes/a-b/c", "a-b")]
    [InlineData("/units/u/volumes/j.doe/home/deeper", "j.doe")]
    [InlineData("/units/u/volumes/a-b", null)]
    [InlineData("/units/u/volumes", null)]
    [InlineData("/units/u/volumes/../x", null)]
    [InlineData("/units/u/fs/srv/volumes/a/b", null)]
    [InlineData("/station/users/a", null)]
    public void The_owner_is_read_from_the_owner_segment(string resource, string? owner) =>
        Assert.Equal(owner, VolumeIds.OwnerOf(resource));

    [Theory]
    [InlineData("a/b-c", true, "a", "b-c")]
    [InlineData("j.doe/home", true, "j.doe", "home")]
    [InlineData("a-b-c", false, "", "")]
    [InlineData("a/b/c", false, "", "")]
    [InlineData("../x", false, "", "")]
    [InlineData("a/.x", false, "", "")]
    public void Ids_parse_back_into_owner_and_name(string id, bool ok, string owner, string name)
    {
        Assert.Equal(ok, VolumeIds.TryParse(id, out var o, out var n));
        Assert.Equal((owner, name), (o, n));
    }
}
