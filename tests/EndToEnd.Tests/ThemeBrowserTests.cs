using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The console is dark on a device set to dark and light on one set to light, without a setting of its own.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ThemeBrowserTests
{
    [Fact]
    public async Task Console_FollowsTheDevicesColourScheme()
    {
        await using var station = await StationProcess.StartAsync();
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

        await using (var dark = await ConsoleBrowser.SignInAsync(station, "admin", station.AdminPassword, 768, 1024, touch: true, dark: true))
        {
            await dark.GotoAsync(station, "/tasks");
            await Assertions.Expect(dark.Page.GetByTestId("theme")).ToHaveAttributeAsync("data-dark", "true");
            await dark.ScreenshotAsync("dark-tablet-tasks.png");
            Assert.True(await SettledLuminance(dark.Page, l => l < 0.3) < 0.3, "the page background is not dark on a dark device");
        }
        await using var light = await ConsoleBrowser.SignInAsync(station, "admin", station.AdminPassword, 768, 1024, touch: true);
        await light.GotoAsync(station, "/tasks");
        await Assertions.Expect(light.Page.GetByTestId("theme")).ToHaveAttributeAsync("data-dark", "false");
        Assert.True(await SettledLuminance(light.Page, l => l > 0.8) > 0.8, "the page background is not light on a light device");
    }

    /// <summary>The page background's luminance once it is what <paramref name="settled"/> wants, or as it is after 10 s (the theme applies after the first render).</summary>
    private static async Task<double> SettledLuminance(IPage page, Func<double, bool> settled)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        double l;
        while (!settled(l = await Luminance(page, ".page")) && DateTime.UtcNow < deadline) await Task.Delay(100);
        return l;
    }

    /// <summary>The relative luminance (0 black – 1 white) of the first element's effective background, walking up past transparent ones.</summary>
    private static Task<double> Luminance(IPage page, string selector) => page.EvaluateAsync<double>("""
        sel => {
          let e = document.querySelector(sel);
          while (e) {
            const c = getComputedStyle(e).backgroundColor;
            const m = c.match(/rgba?\((\d+), (\d+), (\d+)(, ([\d.]+))?\)/);
            if (m && (m[5] === undefined || parseFloat(m[5]) > 0)) return (0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3]) / 255;
            e = e.parentElement;
          }
          return 1;
        }
        """, selector);
}
