using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>Debian's Chromium through Playwright (never a downloaded browser), signed in to a station's console.</summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string Chromium = Needs.ChromiumPath;

    private readonly TempDir _profile;

    /// <summary>
    /// One Playwright driver (a Node.js process) for the whole test run, shared by every browser: starting one per
    /// sign-in cost each of the hundred or so sign-ins a second on the 2-core CI machine. Each sign-in still launches
    /// its own Chromium with its own profile. The driver ends with the test process.
    /// </summary>
    private static readonly Lazy<Task<IPlaywright>> Driver = new(() => Playwright.CreateAsync());

    private ConsoleBrowser(IBrowserContext context, IPage page, TempDir profile)
    {
        Context = context;
        Page = page;
        _profile = profile;
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public static Task<ConsoleBrowser> SignInAsync(StationProcess station, int width = 1440, int height = 900, bool touch = false) =>
        SignInAsync(station, "admin", station.AdminPassword, width, height, touch);

    public static async Task<ConsoleBrowser> SignInAsync(StationProcess station, string user, string password, int width = 1440, int height = 900, bool touch = false, bool dark = false)
    {
        Needs.Chromium();
        var profile = new TempDir("chromium");
        var playwright = await Driver.Value.WaitAsync(Timeouts.Startup);
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // The station's own CA is not in Chromium's store; the README tells a person to accept it or import /ca.crt.
            IgnoreHTTPSErrors = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = width, Height = height },
            HasTouch = touch,
            IsMobile = touch,
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
            Timeout = 60_000,
        }).WaitAsync(Timeouts.Startup);
        var page = context.Pages.FirstOrDefault() ?? await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var browser = new ConsoleBrowser(context, page, profile);
        await page.GotoAsync(new Uri(station.BaseUrl, "/login").ToString());
        await page.GetByTestId("login-username").FillAsync(user);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await browser.WaitInteractiveAsync();
        return browser;
    }

    /// <summary>A click before the circuit is interactive is lost: wait for the layout's marker.</summary>
    public Task WaitInteractiveAsync() =>
        Page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    public async Task GotoAsync(StationProcess station, string path)
    {
        await Page.GotoAsync(new Uri(station.BaseUrl, path).ToString());
        await WaitInteractiveAsync();
    }

    /// <summary>Saves a screenshot under docs/screenshots, where the README and reviewers look.</summary>
    public Task ScreenshotAsync(string name, bool fullPage = false)
    {
        var dir = Path.Combine(RepoPaths.Root, "docs", "screenshots");
        Directory.CreateDirectory(dir);
        return Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name), FullPage = fullPage });
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _profile.Dispose();
    }
}
