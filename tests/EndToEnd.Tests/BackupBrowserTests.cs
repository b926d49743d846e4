using System.Security.Cryptography;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// The Access page's Backup card in a real browser: the passphrase is judged as it is typed, Back up now writes the
/// file and shows its name, integrity result and SHA-256 (which match the file), and the file is listed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BackupBrowserTests(SharedStationFixture fixture) : IClassFixture<SharedStationFixture>
{
    private StationProcess Station => fixture.Station;

    [Fact]
    public async Task BackupCard_ChecksThePassphraseAsTyped_ThenBacksUpAndShowsTheResult()
    {
        await using var browser = await ConsoleBrowser.SignInAsync(Station);
        await browser.GotoAsync(Station, "/access");
        var panel = browser.Page.GetByTestId("backup-panel");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        var start = browser.Page.GetByTestId("backup-start");
        await Assertions.Expect(start).ToBeDisabledAsync();

        // Filled, not typed key by key: under CI load the circuit's re-render of the field raced single keystrokes and kept 5 of 9.
        await browser.Page.GetByTestId("backup-passphrase").FillAsync("short one");
        await Assertions.Expect(panel).ToContainTextAsync("the passphrase is too short: use at least 12 characters (it has 9)");
        await Assertions.Expect(start).ToBeDisabledAsync();

        await browser.Page.GetByTestId("backup-passphrase").FillAsync("short one grew long");
        await Assertions.Expect(panel).Not.ToContainTextAsync("too short");
        await Assertions.Expect(start).ToBeEnabledAsync();
        await start.ClickAsync();

        var result = browser.Page.GetByTestId("backup-result");
        await Assertions.Expect(result).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(result).ToContainTextAsync("integrity ok");
        string sha = (await browser.Page.GetByTestId("backup-sha256").TextContentAsync())!.Trim();
        string file = Directory.GetFiles(Path.Combine(Station.DataDirectory, "backups"), "*.ccbk").OrderBy(f => f, StringComparer.Ordinal).Last();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), sha);
        await Assertions.Expect(result).ToContainTextAsync(Path.GetFileName(file));
        await Assertions.Expect(browser.Page.GetByTestId("backup-list")).ToContainTextAsync(Path.GetFileName(file));
        await panel.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Root, "docs", "screenshots", "access-backup.png") });
    }
}
