using System.Security.Cryptography;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// The file manager's density, row menu and multi-select in Chromium: 15+ rows inside a 1366×900 viewport, a checksum
/// started from a row's menu, two files deleted through one confirmed multi-select, and touch-sized menus on a tablet
/// and a phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FilesMenuBrowserTests
{
    private const string RowsInsideViewport =
        "() => [...document.querySelectorAll('tr.file-row')].filter(r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight; }).length";

    [Fact]
    public async Task FileManager_ShowsFifteenRowsAt1366x900_ChecksumsFromARowMenu_AndDeletesTwoSelectedFiles()
    {
        await using var station = await StationProcess.StartAsync();
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        string root = station.StationRoot;
        for (int i = 1; i <= 22; i++) await File.WriteAllTextAsync(Path.Combine(root, $"file-{i:00}.txt"), $"content of file {i}\n");
        string sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(root, "file-03.txt"))));
        string filesUrl = $"/units/station/files?path={Uri.EscapeDataString(root)}";

        await using (var desktop = await ConsoleBrowser.SignInAsync(station, 1366, 900))
        {
            var page = desktop.Page;
            await desktop.GotoAsync(station, filesUrl);
            await page.GetByTestId("entry-file-22.txt").WaitForAsync();
            int inside = await page.EvaluateAsync<int>(RowsInsideViewport);
            Assert.True(inside >= 15, $"only {inside} file rows are fully inside the 1366x900 viewport");

            var row = page.GetByTestId("entry-file-03.txt");
            await row.GetByTestId("entry-menu").ClickAsync();
            await Assertions.Expect(row.GetByTestId("entry-checksum")).ToBeVisibleAsync();
            await desktop.ScreenshotAsync("files-menu-1366x900.png");
            await row.GetByTestId("entry-checksum").ClickAsync();
            await page.GetByTestId("files-form").GetByTestId("form-submit").ClickAsync();
            await Assertions.Expect(page.GetByTestId("files-task").GetByTestId("pane-sha256")).ToHaveTextAsync(sha, new() { Timeout = 60_000 });

            await page.GetByTestId("entry-file-01.txt").GetByTestId("entry-select").CheckAsync();
            await page.GetByTestId("entry-file-02.txt").GetByTestId("entry-select").CheckAsync();
            await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("2 selected");
            await page.GetByTestId("bulk-delete").ClickAsync();
            await Assertions.Expect(page.GetByTestId("bulk-delete-yes")).ToBeDisabledAsync();
            await page.GetByTestId("bulk-delete-typed").FillAsync("2");
            await Assertions.Expect(page.GetByTestId("bulk-delete-yes")).ToBeEnabledAsync();
            Assert.True(File.Exists(Path.Combine(root, "file-01.txt")), "nothing is deleted before the confirmation");
            await page.WaitForTimeoutAsync(400); // the button's colour transition, for the screenshot only
            await desktop.ScreenshotAsync("files-multiselect-1366x900.png");
            await page.GetByTestId("bulk-delete-yes").ClickAsync();

            await Assertions.Expect(page.GetByTestId("entry-file-01.txt")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
            await Assertions.Expect(page.GetByTestId("entry-file-02.txt")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
            Assert.False(File.Exists(Path.Combine(root, "file-01.txt")), "file-01.txt is still on disk");
            Assert.False(File.Exists(Path.Combine(root, "file-02.txt")), "file-02.txt is still on disk");
            Assert.True(File.Exists(Path.Combine(root, "file-03.txt")), "an unselected file went too");
            await Assertions.Expect(page.Locator("[data-testid=bulk-tasks] [data-testid^=task-pane-]")).ToHaveCountAsync(2);
        }

        foreach (var (width, height) in new[] { (768, 1024), (390, 844) })
        {
            await using var touch = await ConsoleBrowser.SignInAsync(station, width, height, touch: true);
            var page = touch.Page;
            await touch.GotoAsync(station, filesUrl);
            var row = page.GetByTestId("entry-file-04.txt");
            await row.WaitForAsync();
            var button = await row.GetByTestId("entry-menu").BoundingBoxAsync();
            Assert.True(button is { Width: >= 44, Height: >= 44 }, $"the row menu button is {button?.Width}x{button?.Height} at {width}x{height}");
            await row.GetByTestId("entry-menu").ClickAsync();
            // The menu opens with a transition: measure its Delete once it is there (read at once it was null under load)
            await Assertions.Expect(row.GetByTestId("entry-delete")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            var delete = await row.GetByTestId("entry-delete").BoundingBoxAsync();
            Assert.True(delete is { Height: >= 44 }, $"the menu's Delete is {delete?.Height} px high at {width}x{height}");
            await touch.ScreenshotAsync($"files-menu-{width}x{height}-touch.png");
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(row.GetByTestId("entry-menu-list")).ToBeHiddenAsync();

            await row.GetByTestId("entry-select").CheckAsync();
            await page.GetByTestId("entry-file-05.txt").GetByTestId("entry-select").CheckAsync();
            await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("2 selected");
            var check = await page.GetByTestId("entry-file-05.txt").Locator("label.check-target").BoundingBoxAsync();
            Assert.True(check is { Width: >= 44, Height: >= 44 }, $"the row's checkbox target is {check?.Width}x{check?.Height} at {width}x{height}");
            await page.GetByTestId("bulk-delete").ClickAsync();
            await touch.ScreenshotAsync($"files-multiselect-{width}x{height}-touch.png");
            await page.GetByTestId("bulk-delete-no").ClickAsync();
            await Assertions.Expect(page.GetByTestId("select-all")).ToBeHiddenAsync();
            await page.GetByTestId("select-all-cards").CheckAsync();
            await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("20 selected");
        }
    }
}
