using Ccdsvm.Station.Core.Uplink;

namespace Ccdsvm.Station.Core.Tests.Uplink;

/// <summary>
/// Station:Upstream:* as checked at start: unset is a top station; set, the address, the unit name, the pins and (the
/// first time) the token must be usable, and each refusal names the setting to fix.
/// </summary>
public sealed class UpstreamOptionsTests
{
    private static UpstreamOptions Valid() => new() { Url = "https://top.example:5080", Name = "mid-1", EnrolmentToken = "tok" };

    [Fact]
    public void Unset_IsATopStation_WithNothingToCheck()
    {
        var none = new UpstreamOptions();
        Assert.False(none.Configured);
        Assert.Null(none.Problem(enrolled: false));
    }

    [Fact]
    public void Valid_FirstTimeWithAToken_OrLaterWithoutOne_IsAccepted()
    {
        Assert.Null(Valid().Problem(enrolled: false));
        var restarted = Valid();
        restarted.EnrolmentToken = null;
        Assert.Null(restarted.Problem(enrolled: true));
        var plain = Valid();
        plain.Url = "http://10.0.0.1:5080";
        Assert.Null(plain.Problem(enrolled: false));
    }

    [Theory]
    [InlineData(null, "Station:Upstream:Url (Station__Upstream__Url) is not set")]
    [InlineData("top.example:5080", "Station:Upstream:Url 'top.example:5080' must be an absolute http(s) address")]
    [InlineData("/relative/path", "must be an absolute http(s) address")]
    [InlineData("ftp://top.example", "Station:Upstream:Url 'ftp://top.example' must be an absolute http(s) address")]
    public void ABadAddress_IsRefused_NamingTheSetting(string? url, string expected)
    {
        var o = Valid();
        o.Url = url;
        Assert.Contains(expected, o.Problem(enrolled: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Station:Upstream:Name (Station__Upstream__Name) is not set")]
    [InlineData("Mid_1", "Station:Upstream:Name: unit name 'Mid_1' must be 1-63 lower-case letters, digits and dashes")]
    [InlineData("mid.one", "must be 1-63 lower-case letters, digits and dashes")]
    public void ANameTheUpperStationWouldRefuse_IsRefusedAtStart(string? name, string expected)
    {
        var o = Valid();
        o.Name = name;
        Assert.Contains(expected, o.Problem(enrolled: false), StringComparison.Ordinal);
    }

    [Fact]
    public void NoToken_BeforeTheFirstEnrolment_SaysHowToGetOne()
    {
        var o = Valid();
        o.EnrolmentToken = " ";
        string? problem = o.Problem(enrolled: false);
        Assert.Contains("Station:Upstream:EnrolmentToken (Station__Upstream__EnrolmentToken) is not set", problem, StringComparison.Ordinal);
        Assert.Contains("not enrolled at the upper station as 'mid-1'", problem, StringComparison.Ordinal);
        Assert.Contains("POST /api/v1/enrolments", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AFingerprintThatIsNotOne_IsRefused()
    {
        var o = Valid();
        o.Fingerprint = "not-hex";
        Assert.StartsWith("Station:Upstream:Fingerprint: ", o.Problem(enrolled: false), StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyATokenSet_StillCountsAsConfigured_AndAsksForTheAddress()
    {
        var o = new UpstreamOptions { EnrolmentToken = "tok" };
        Assert.True(o.Configured);
        Assert.Contains("Station:Upstream:Url", o.Problem(enrolled: false), StringComparison.Ordinal);
    }
}
