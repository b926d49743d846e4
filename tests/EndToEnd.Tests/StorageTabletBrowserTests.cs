using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The storage page and the file manager on a 768×1024 touch tablet.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StorageTabletBrowserTests
{
    [Fact]
    public async Task StoragePageAndFileManager_OnATablet_AreCardsWithTouchSizedTargets()
    {
        await using var station = await StationProcess.StartAsync();
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        File.WriteAllText(Path.Combine(station.StationRoot, "notes.txt"), "tablet");

        await using var browser = await ConsoleBrowser.SignInAsync(station, 768, 1024, touch: true);
        var page = browser.Page;

        await browser.GotoAsync(station, $"/units/station/files?path={Uri.EscapeDataString(station.StationRoot)}");
        var row = page.GetByTestId("entry-notes.txt");
        await row.WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=file-table] thead")).ToBeHiddenAsync();
        await row.GetByTestId("entry-menu").ClickAsync();
        foreach (var id in new[] { "entry-menu", "entry-download", "entry-rename", "entry-delete" })
        {
            var box = await row.GetByTestId(id).BoundingBoxAsync();
            Assert.True(box is { Height: >= 44 }, $"{id} is {box?.Height} px high on a tablet, under 44 px");
        }
        var upload = await page.GetByTestId("upload-input").BoundingBoxAsync();
        Assert.True(upload is { Height: >= 44 }, $"the file chooser is {upload?.Height} px high");
        await browser.ScreenshotAsync("tablet-files.png");

        await browser.GotoAsync(station, "/units/station/storage");
        await Assertions.Expect(page.Locator(".disk-bar").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var bar = await page.Locator(".disk-bar").First.BoundingBoxAsync();
        Assert.True(bar is { Height: >= 44 } && bar.Width <= 768, $"the disk bar is {bar?.Width}x{bar?.Height}");
        await browser.ScreenshotAsync("tablet-storage.png");
    }
}
