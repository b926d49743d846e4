using Bunit;
using Ccdsvm.Console.Blazor.Components.Access;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Console.Blazor.Tls;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Access;

/// <summary>The enrolment dialog gives the exact agent command: the token and, over HTTPS, the fingerprint to pin.</summary>
public sealed class EnrolmentCardTlsTests : ConsoleTestContext
{
    private const string Fingerprint = "4C:B9:68:28:DC:46:78:36:D1:3F:D8:87:D0:9F:8A:1F:63:F4:34:5F:D6:7C:1C:7C:3D:8E:90:74:0B:E0:EF:7D";

    public EnrolmentCardTlsTests() => Services.AddSingleton<IConsoleAdmin>(new ScriptedConsoleAdmin(Clock));

    [Fact]
    public void OverHttps_TheCommandCarriesTokenAndFingerprint()
    {
        Services.AddSingleton(new StationTlsState(true, false, false, Fingerprint, [Fingerprint], "pem"));
        var cut = Render<EnrolmentCard>();
        Assert.Equal(Fingerprint, cut.Find("[data-testid=enrol-fingerprint]").TextContent);

        cut.Find("[data-testid=enrol-create]").Click();

        string command = cut.WaitForElement("[data-testid=enrol-command]", Timeout).TextContent;
        Assert.Contains("--enrol token", command, StringComparison.Ordinal);
        Assert.EndsWith($"--fingerprint {Fingerprint}", command, StringComparison.Ordinal);
    }

    [Fact]
    public void OverPlainHttp_NoFingerprintIsOffered()
    {
        Services.AddSingleton(new StationTlsState(false, true, false, null, [], "pem"));
        var cut = Render<EnrolmentCard>();
        Assert.Empty(cut.FindAll("[data-testid=enrol-fingerprint]"));

        cut.Find("[data-testid=enrol-create]").Click();

        string command = cut.WaitForElement("[data-testid=enrol-command]", Timeout).TextContent;
        Assert.DoesNotContain("--fingerprint", command, StringComparison.Ordinal);
    }
}
