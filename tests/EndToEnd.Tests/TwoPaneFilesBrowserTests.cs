using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Two file panes on two units: a file copied from one to the other by the verified data move (the row's
/// button), and another dragged from one pane onto the other and moved (HTML5 drag and drop).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TwoPaneFilesBrowserTests
{
    [Fact]
    public async Task CopyBetweenTwoOpenPanesAcrossUnits_ArrivesVerified_AndTheSourceStays_ThenADragMovesAnother()
    {
        await using var station = await StationProcess.StartAsync();
        await using var unitA = await station.StartAgentAsync("unit-a");
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        string source = Path.Combine(station.StationRoot, "ledger.bin");
        await BigFiles.CreateRandomAsync(source, 24L << 20);
        string dragged = Path.Combine(station.StationRoot, "notes.bin");
        await BigFiles.CreateRandomAsync(dragged, 3L << 20);
        string draggedSha = await BigFiles.Sha256SumAsync(dragged, Timeouts.BigChecksum);

        await using var browser = await ConsoleBrowser.SignInAsync(station);
        var page = browser.Page;
        string left = Uri.EscapeDataString($"station:{station.StationRoot}"), right = Uri.EscapeDataString($"unit-a:{unitA.Root}");
        await browser.GotoAsync(station, $"/files?left={left}&right={right}");
        var leftPane = page.GetByTestId("pane-left");
        var rightPane = page.GetByTestId("pane-right");
        await leftPane.GetByTestId("entry-ledger.bin").WaitForAsync();

        await leftPane.GetByTestId("entry-ledger.bin").GetByTestId("entry-menu").ClickAsync();
        await leftPane.GetByTestId("entry-ledger.bin").GetByTestId("entry-copy-over").ClickAsync();

        await Assertions.Expect(rightPane.GetByTestId("entry-ledger.bin")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        string landed = Path.Combine(unitA.Root, "ledger.bin");
        Assert.Equal(await BigFiles.Sha256SumAsync(source, Timeouts.BigChecksum), await BigFiles.Sha256SumAsync(landed, Timeouts.BigChecksum));
        Assert.True(File.Exists(source), "a copy must keep the source");
        await Assertions.Expect(page.Locator("[data-testid^=task-pane-] [data-testid=state-chip]")).ToHaveTextAsync("succeeded");
        await browser.ScreenshotAsync("files-two-panes.png");

        // A real drag: the row from the left pane onto the right pane's list, then "Move here".
        await leftPane.GetByTestId("entry-notes.bin").DragToAsync(rightPane.GetByTestId("file-table"));
        var choice = rightPane.GetByTestId("drop-choice");
        await Assertions.Expect(choice).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(choice.GetByTestId("drop-what")).ToHaveTextAsync($"notes.bin from station:{station.StationRoot} into unit-a:{unitA.Root}");
        await browser.ScreenshotAsync("files-drag-drop.png");
        await choice.GetByTestId("drop-move").ClickAsync();

        await Assertions.Expect(rightPane.GetByTestId("entry-notes.bin")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(leftPane.GetByTestId("entry-notes.bin")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.Equal(draggedSha, await BigFiles.Sha256SumAsync(Path.Combine(unitA.Root, "notes.bin"), Timeouts.BigChecksum));
        Assert.False(File.Exists(dragged), "a move removes the source once the destination is verified");
    }
}
