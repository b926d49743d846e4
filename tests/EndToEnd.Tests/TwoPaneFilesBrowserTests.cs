using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>Two file panes on two units: a file copied from one to the other by the verified data move.</summary>
[Collection(ProcessCollection.Name)]
public sealed class TwoPaneFilesBrowserTests
{
    [Fact]
    public async Task CopyBetweenTwoOpenPanesAcrossUnits_ArrivesVerified_AndTheSourceStays()
    {
        await using var station = await StationProcess.StartAsync();
        await using var unitA = await station.StartAgentAsync("unit-a");
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        string source = Path.Combine(station.StationRoot, "ledger.bin");
        await BigFiles.CreateRandomAsync(source, 24L << 20);

        await using var browser = await ConsoleBrowser.SignInAsync(station);
        var page = browser.Page;
        string left = Uri.EscapeDataString($"station:{station.StationRoot}"), right = Uri.EscapeDataString($"unit-a:{unitA.Root}");
        await browser.GotoAsync(station, $"/files?left={left}&right={right}");
        var leftPane = page.GetByTestId("pane-left");
        var rightPane = page.GetByTestId("pane-right");
        await leftPane.GetByTestId("entry-ledger.bin").WaitForAsync();

        await leftPane.GetByTestId("entry-ledger.bin").GetByTestId("entry-copy-over").ClickAsync();

        await Assertions.Expect(rightPane.GetByTestId("entry-ledger.bin")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        string landed = Path.Combine(unitA.Root, "ledger.bin");
        Assert.Equal(await BigFiles.Sha256SumAsync(source, Timeouts.BigChecksum), await BigFiles.Sha256SumAsync(landed, Timeouts.BigChecksum));
        Assert.True(File.Exists(source), "a copy must keep the source");
        await Assertions.Expect(page.Locator("[data-testid^=task-pane-] [data-testid=state-chip]")).ToHaveTextAsync("succeeded");
        await browser.ScreenshotAsync("files-two-panes.png");
    }
}
