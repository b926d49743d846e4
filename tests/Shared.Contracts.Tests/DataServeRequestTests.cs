using Ccdsvm.Shared.Contracts;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>
/// A read asked of a mid station (README, "Layered stations") names its answer id, unit, ticket and a data-plane
/// read route; anything else (an empty value, a huge route, a route outside the data plane or climbing with "..") is
/// refused in words before the mid station acts. It crosses the hub as MessagePack unchanged.
/// </summary>
public sealed class DataServeRequestTests
{
    private static DataServeRequest Good => new("id-1", "u7", "/data/v1/file?path=%2Fsrv%2Fa.bin", "ticket", "bytes=10-", "session");

    [Fact]
    public void AWellFormedRead_HasNoProblem_AndRoundTrips()
    {
        Assert.Null(Good.Problem());
        Assert.Equal(Good, MessagePackSerializer.Deserialize<DataServeRequest>(MessagePackSerializer.Serialize(Good)));
    }

    [Theory]
    [InlineData("", "u7", "/data/v1/stat?path=%2Fa", "answer id")]
    [InlineData("id", "", "/data/v1/stat?path=%2Fa", "no unit")]
    [InlineData("id", "u7", "/hubs/agent", "not a data-plane read")]
    [InlineData("id", "u7", "/data/v1/../../api/v1/users", "not a data-plane read")]
    [InlineData("id", "u7", "", "no data-plane route")]
    public void ARequestMissingAPart_OrReadingOutsideTheDataPlane_IsRefusedInWords(string id, string unit, string route, string words)
    {
        Assert.Contains(words, (Good with { Id = id, Unit = unit, PathAndQuery = route }).Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void AHugeRoute_IsRefused()
    {
        Assert.Contains("too long", (Good with { PathAndQuery = "/data/v1/stat?path=" + new string('a', DataServeRequest.MaxPathAndQuery) }).Problem(), StringComparison.Ordinal);
    }
}
