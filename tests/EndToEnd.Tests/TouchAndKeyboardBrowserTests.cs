using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Issue 15, point 10 and the compact grid: on a 768×1024 touch tablet every tappable thing of the main views is at
/// least 44×44 px (measured); at 1366×900 the compact grid shows 12+ whole panes; the command palette, the shortcuts,
/// the focus ring and the failed sign-in notice work in a real browser. One station for all of it (the CI budget is tight).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TouchAndKeyboardBrowserTests
{
    private const int MinTarget = 44;

    /// <summary>
    /// Every visible control's box, as "view: what W×H" for those under 44 px either way. Skipped: elements not
    /// rendered or hidden, and inputs drawn invisible under their own larger control (MudBlazor's check boxes and
    /// switches lay a transparent input over a 44 px button, which is measured itself). A link inside a paragraph of
    /// text is exempt (WCAG 2.5.5 excepts inline targets: growing it would break the sentence's lines). A check box
    /// inside a label is measured by its label, which is what a finger taps.
    /// </summary>
    private const string MeasureScript = """
        min => {
          const out = [];
          for (const e of document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=tab]')) {
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            const cs = getComputedStyle(e);
            if (cs.visibility === 'hidden' || cs.display === 'none' || e.closest('[hidden]')) continue;
            if (parseFloat(cs.opacity) === 0) continue;
            if (e.tagName === 'A' && e.closest('p')) continue;
            // A check box in a label is tapped anywhere on its label: the label is the target measured.
            const label = (e.type === 'checkbox' || e.type === 'radio') ? e.closest('label') : null;
            const box = label ? label.getBoundingClientRect() : r;
            if (box.width < min || box.height < min) {
              const what = e.getAttribute('data-testid') || e.getAttribute('aria-label') || (e.innerText || e.value || '').trim().slice(0, 30) || e.className;
              out.push(`${e.tagName.toLowerCase()} "${what}" ${Math.round(box.width)}×${Math.round(box.height)}`);
            }
          }
          return out;
        }
        """;

    [Fact]
    public async Task Tablet_TargetsAtLeast44px_CompactGridShows12Panes_PaletteShortcutsFocusAndSignInNotice()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings { MaxTasks = 32 });
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

        // A wrong password between the API's sign-in and the browser's: the browser's sign-in is told.
        await WrongPasswordAsync(station);

        // Thirteen panes come back on the workspace: four running holds and nine failed look-ups (failures stay until closed).
        for (int i = 0; i < 9; i++)
        {
            long id = await api.StartAsync("fs.stat", "station", new { path = $"{station.StationRoot}/missing-{i}" }).WaitAsync(Timeouts.Request);
            await api.WaitForStateAsync(id, Timeouts.ShortTask, "failed");
        }
        for (int i = 0; i < 4; i++)
            await api.StartAsync("maintenance.hold", "station", new { resource = $"fs{station.StationRoot}/pane-{i}", seconds = 900, reason = "compact grid test" }).WaitAsync(Timeouts.Request);

        await DesktopAsync(station);
        // The tablet and the phone are told too (and their screenshots show the notice): one more wrong password before each.
        await WrongPasswordAsync(station);
        await TabletAsync(station);
        await WrongPasswordAsync(station);
        await PhoneAsync(station);
    }

    private static async Task WrongPasswordAsync(StationProcess station)
    {
        using var anonymous = ApiClient.Anonymous(station.BaseUrl);
        var wrong = await anonymous.PostJsonAsync("/api/v1/auth/token", new { username = "admin", password = "not-the-password" }).WaitAsync(Timeouts.Request);
        Assert.NotEqual(HttpStatusCode.OK, wrong.Status);
    }

    /// <summary>1366×900 with a mouse: the notice, the compact grid, the palette and shortcuts, the focus ring.</summary>
    private static async Task DesktopAsync(StationProcess station)
    {
        await using var desktop = await ConsoleBrowser.SignInAsync(station, "admin", station.AdminPassword, 1366, 900);
        var page = desktop.Page;
        await Assertions.Expect(page.GetByTestId("signin-notice")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.StartsWith("1 failed sign-in since your last sign-in", await page.GetByTestId("signin-notice-text").InnerTextAsync());
        await Assertions.Expect(page.Locator(".pane-tab")).ToHaveCountAsync(13, new() { Timeout = 15_000 });
        await desktop.ScreenshotAsync("touch-signin-notice-1366.png");

        await page.GetByTestId("layout-grid").ClickAsync();
        await page.GetByTestId("density-compact").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pane-grid")).ToHaveAttributeAsync("data-density", "compact");
        await AssertTwelvePanesFitAsync(page);
        var title = page.GetByTestId("pane-cell-title").First;
        Assert.Matches(@"^#\d+ .+ on station$", await title.GetAttributeAsync("title"));
        Assert.Equal("ellipsis", await title.Locator("span").EvaluateAsync<string>("e => getComputedStyle(e).textOverflow"));
        await desktop.ScreenshotAsync("touch-compact-grid-1366.png");

        // Remembered by this browser: a reload comes back compact.
        await desktop.GotoAsync(station, "/");
        await Assertions.Expect(page.GetByTestId("pane-grid")).ToHaveAttributeAsync("data-density", "compact", new() { Timeout = 15_000 });

        // Shortcuts do nothing while typing in a field; Ctrl+K opens the palette, typing finds a unit's page.
        await desktop.GotoAsync(station, "/tasks");
        await page.GetByTestId("task-table").WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("filter-text").FocusAsync();
        await Assertions.Expect(page.GetByTestId("filter-text")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("n?");
        var focused = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 120) ?? 'none'");
        Assert.True(await page.GetByTestId("command-palette").CountAsync() == 0, $"a shortcut fired while typing in {focused}");
        await page.GetByTestId("filter-text").BlurAsync();
        await page.Keyboard.PressAsync("Control+k");
        await Assertions.Expect(page.GetByTestId("palette-input")).ToBeFocusedAsync(new() { Timeout = 10_000 });
        await page.Keyboard.TypeAsync("station stor");
        await Assertions.Expect(page.GetByTestId("palette-item").First).ToHaveAttributeAsync("data-href", "/units/station/storage");
        await desktop.ScreenshotAsync("touch-command-palette-1366.png");
        await page.Keyboard.PressAsync("Enter");
        await WaitForPathAsync(page, "/units/station/storage", "after Enter in the palette");

        // "?" lists the shortcuts; Esc closes; "t" opens the task list.
        await page.Locator("body").FocusAsync();
        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(page.GetByTestId("shortcut-help")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByTestId("palette-input")).ToBeFocusedAsync(new() { Timeout = 10_000 });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("command-palette")).ToHaveCountAsync(0);
        var before = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 120) ?? 'none'");
        await page.Keyboard.PressAsync("t");
        await WaitForPathAsync(page, "/tasks", $"focus was on {before}");

        // The focus ring: at least 2 px, and drawn.
        await desktop.GotoAsync(station, "/");
        await page.GetByTestId("palette-button").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        var ring = await page.EvaluateAsync<double[]>("() => { const s = getComputedStyle(document.activeElement); return [parseFloat(s.outlineWidth), s.outlineStyle === 'none' ? 0 : 1]; }");
        Assert.True(ring[0] >= 2 && ring[1] == 1, $"the focused element's outline is {ring[0]} px, style drawn: {ring[1]}");
        await desktop.ScreenshotAsync("touch-focus-ring-1366.png");
    }

    /// <summary>Blazor navigates in the page (no load event): polls the address for at most 15 s.</summary>
    private static async Task WaitForPathAsync(IPage page, string path, string context)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (new Uri(page.Url).AbsolutePath != path && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(new Uri(page.Url).AbsolutePath == path, $"still on {page.Url}, expected {path} ({context})");
    }

    private static async Task AssertTwelvePanesFitAsync(IPage page)
    {
        await Assertions.Expect(page.Locator(".pane-cell")).ToHaveCountAsync(13, new() { Timeout = 15_000 });
        var fit = await page.EvaluateAsync<int[]>("""
            () => {
              const inside = [...document.querySelectorAll('.pane-cell')].filter(e => {
                const r = e.getBoundingClientRect();
                return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.width > 0;
              }).length;
              return [inside, document.documentElement.scrollWidth - innerWidth];
            }
            """);
        Assert.True(fit[0] >= 12, $"only {fit[0]} panes fit whole in 1366×900");
        Assert.True(fit[1] <= 0, $"the page scrolls sideways by {fit[1]} px");
    }

    /// <summary>768×1024 touch: every main view measured; the offenders listed together.</summary>
    private static async Task TabletAsync(StationProcess station)
    {
        await using var tablet = await ConsoleBrowser.SignInAsync(station, "admin", station.AdminPassword, 768, 1024, touch: true);
        var page = tablet.Page;
        File.WriteAllText(Path.Combine(station.StationRoot, "readme.txt"), "measured on a tablet");
        var views = new (string Path, string Ready)[]
        {
            ("/", "[data-testid^=pane-tab-]"),
            ("/tasks", "[data-testid=task-table]"),
            ("/units/station/storage", "[data-testid=storage-actions]"),
            ($"/units/station/files?path={Uri.EscapeDataString(station.StationRoot)}", "[data-testid=entry-readme\\.txt]"),
            ("/files", "[data-testid=two-pane]"),
            ("/units/station/processes", "[data-testid=process-table]"),
            ("/units/station/dashboard", "[data-testid=range-buttons]"),
            ("/fleet", "[data-testid=fleet-grid]"),
            ("/account", "[data-testid=account-page]"),
        };
        var offenders = new List<string>();
        foreach (var (path, ready) in views)
        {
            await tablet.GotoAsync(station, path);
            await page.Locator(ready).First.WaitForAsync(new() { Timeout = 60_000 });
            if (path == "/")
            {
                await Assertions.Expect(page.GetByTestId("signin-notice")).ToBeVisibleAsync(new() { Timeout = 15_000 });
                await tablet.ScreenshotAsync("touch-workspace-tablet.png");
            }
            offenders.AddRange((await page.EvaluateAsync<string[]>(MeasureScript, MinTarget)).Select(o => $"{path}: {o}"));
        }
        await page.GetByTestId("palette-button").TapAsync();
        await Assertions.Expect(page.GetByTestId("command-palette")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        offenders.AddRange((await page.EvaluateAsync<string[]>(MeasureScript, MinTarget)).Select(o => $"palette: {o}"));
        await tablet.ScreenshotAsync("touch-command-palette-tablet.png");
        Assert.True(offenders.Count == 0, $"{offenders.Count} targets under {MinTarget}×{MinTarget} px on the tablet:\n{string.Join("\n", offenders)}");
    }

    /// <summary>390×844 touch: the workspace (compact) and the palette on a phone, for the screenshots and the sideways-scroll check.</summary>
    private static async Task PhoneAsync(StationProcess station)
    {
        await using var phone = await ConsoleBrowser.SignInAsync(station, "admin", station.AdminPassword, 390, 844, touch: true);
        var page = phone.Page;
        await Assertions.Expect(page.GetByTestId("signin-notice")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.GetByTestId("layout-grid").TapAsync();
        await page.GetByTestId("density-compact").TapAsync();
        await Assertions.Expect(page.GetByTestId("pane-grid")).ToHaveAttributeAsync("data-density", "compact");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - innerWidth") <= 0, "the phone's workspace scrolls sideways");
        var offScreen = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('button, a[href]')]
              .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 1; })
              .map(e => (e.getAttribute('data-testid') || e.innerText || '').trim().slice(0, 30))
            """);
        Assert.True(offScreen.Length == 0, $"controls cut off at the phone's right edge: {string.Join(", ", offScreen)}");
        await phone.ScreenshotAsync("touch-compact-grid-phone.png");
        await page.GetByTestId("palette-button").TapAsync();
        await Assertions.Expect(page.GetByTestId("command-palette")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await phone.ScreenshotAsync("touch-command-palette-phone.png");
    }
}
