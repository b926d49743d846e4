using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The station refuses mount options that raise privileges at admission (400 naming the option); the unit checks again.</summary>
[Collection(ProcessCollection.Name)]
public sealed class MountOptionsApiTests(SharedStationFixture fixture) : IClassFixture<SharedStationFixture>
{
    [Theory]
    [InlineData("suid", "suid")]
    [InlineData("noatime,dev", "dev")]
    [InlineData("ro, users", "users")]
    [InlineData("helper=evil", "helper")]
    public async Task Mount_WithPrivilegeRaisingOption_IsRefusedWith400NamingIt(string options, string named)
    {
        var response = await fixture.Admin.SubmitAsync("storage.mount", "station", new { device = "/dev/loop0", mountpoint = "/mnt/ccdsvm/x", options });

        Assert.True(response.Status == HttpStatusCode.BadRequest, $"expected 400, got {response}");
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains($"mount option '{named}' is refused", response.Detail);
        Assert.Contains("Station:AllowMountOptions", response.Detail);
    }
}
