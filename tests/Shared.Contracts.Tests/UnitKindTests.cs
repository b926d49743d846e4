using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>
/// The kind a unit announces (unit, or station for a mid station) travels in UnitInventory under a key appended at the
/// end: it survives the hub's MessagePack, and an agent that predates it (its inventory one key shorter) reads as a unit.
/// </summary>
public sealed class UnitKindTests
{
    [Fact]
    public void AStationsInventory_KeepsItsKind_OverMessagePack()
    {
        var sent = MessagePackRoundTripTests.SampleInventory() with { Kind = UnitKind.Station };
        var received = MessagePackSerializer.Deserialize<UnitInventory>(MessagePackSerializer.Serialize(sent));
        Assert.Equal(UnitKind.Station, received.Kind);
        Assert.Equal(sent.Name, received.Name);
    }

    [Fact]
    public void AnOlderAgentsInventory_WithoutTheKindKey_IsReadAsAUnit()
    {
        var sent = MessagePackRoundTripTests.SampleInventory() with { Kind = UnitKind.Station };
        var fields = MessagePackSerializer.Deserialize<object?[]>(MessagePackSerializer.Serialize(sent));
        Assert.Equal(17, fields.Length);
        byte[] older = MessagePackSerializer.Serialize(fields[..16]);

        var received = MessagePackSerializer.Deserialize<UnitInventory>(older);
        Assert.Equal(UnitKind.Unit, received.Kind);
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal(sent.Roots, received.Roots);
    }

    [Theory]
    [InlineData(UnitKind.Unit, "unit")]
    [InlineData(UnitKind.Station, "station")]
    public void EachKind_HasTheNameTheApiShows_AndParsesBack(UnitKind kind, string name)
    {
        Assert.Equal(name, UnitKinds.Name(kind));
        Assert.Equal(kind, UnitKinds.Parse(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Station")]
    [InlineData("mid")]
    public void AnyOtherName_IsNoKind(string? name) => Assert.Null(UnitKinds.Parse(name));
}
