using Ccdsvm.Station.Core.Uplink;

namespace Ccdsvm.Station.Core.Tests.Uplink;

/// <summary>What /healthz says of a mid station's uplink: off, connecting, connected, or refused with the reason.</summary>
public sealed class UplinkStatusTests
{
    [Fact]
    public void ATopStation_HasNoUplink()
    {
        var status = new UplinkStatus();
        Assert.Equal("off", status.State);
        Assert.Null(status.Describe());
    }

    [Fact]
    public void TheState_FollowsTheConnection_AndARefusalWinsWithItsReason()
    {
        bool connected = false;
        var status = new UplinkStatus();
        status.Attach("https://top.example:5080", "mid-1", () => connected);
        Assert.Equal("connecting", status.State);
        connected = true;
        Assert.Equal("connected", status.State);
        Assert.Equal("uplink to https://top.example:5080 as 'mid-1' connected", status.Describe());

        connected = false;
        status.Refused("the station refused the enrolment (400): the token is not valid");
        Assert.Equal("refused", status.State);
        Assert.Equal("uplink to https://top.example:5080 as 'mid-1' refused: the station refused the enrolment (400): the token is not valid", status.Describe());
    }
}
