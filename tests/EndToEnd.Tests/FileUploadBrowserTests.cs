using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>Upload from the browser into a unit's directory through the file manager, streamed via the station.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FileUploadBrowserTests
{
    [Fact]
    public async Task UploadFromTheFileManager_LandsOnTheUnitByteForByte_AndASecondUploadOfTheSameNameIsRefused()
    {
        await using var station = await StationProcess.StartAsync();
        await using var unitA = await station.StartAgentAsync("unit-a");
        using var api = await station.AdminAsync();
        using var source = new TempDir("upload-source");
        string file = source.File("report.bin");
        await BigFiles.CreateRandomAsync(file, 48L << 20);

        await using var browser = await ConsoleBrowser.SignInAsync(station);
        var page = browser.Page;
        await browser.GotoAsync(station, $"/units/unit-a/files?path={Uri.EscapeDataString(unitA.Root)}");
        await page.GetByTestId("file-table").WaitForAsync();

        await page.GetByTestId("upload-input").SetInputFilesAsync(file);
        await page.GetByTestId("upload-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("entry-report.bin")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        string landed = Path.Combine(unitA.Root, "report.bin");
        Assert.Equal(await BigFiles.Sha256SumAsync(file, Timeouts.BigChecksum), await BigFiles.Sha256SumAsync(landed, Timeouts.BigChecksum));

        // The same name again: the unit refuses to overwrite, the page says why, the file is untouched.
        await page.GetByTestId("upload-input").SetInputFilesAsync(file);
        await page.GetByTestId("upload-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-error")).ToContainTextAsync("409", new() { Timeout = 30_000 });
        Assert.Equal(48L << 20, new FileInfo(landed).Length);
    }
}
