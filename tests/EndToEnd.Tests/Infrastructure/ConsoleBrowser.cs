using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>Debian's Chromium through Playwright (never a downloaded browser), signed in to a station's console.</summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string Chromium = Needs.ChromiumPath;

    /// <summary>
    /// One Playwright driver (a Node.js process) and one Chromium for the whole test run, shared by every browser:
    /// starting a driver and a Chromium per sign-in cost the hundred or so sign-ins about two seconds of CPU each on the
    /// 2-core CI machine. Each sign-in is a browser context of its own (its own cookies, storage, viewport, touch and
    /// colour scheme, as a separate profile would be). Driver and Chromium end with the test process; a Chromium that
    /// went away is launched again.
    /// </summary>
    private static readonly Lazy<Task<IPlaywright>> Driver = new(() => Playwright.CreateAsync());

    /// <summary>How long a page action or an expectation waits unless the test says otherwise.</summary>
    private const float ExpectTimeoutMs = 30_000;

    private static readonly SemaphoreSlim Launching = new(1, 1);
    private static IBrowser? _chromium;

    private ConsoleBrowser(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public static Task<ConsoleBrowser> SignInAsync(StationProcess station, int width = 1440, int height = 900, bool touch = false) =>
        SignInAsync(station, "admin", station.AdminPassword, width, height, touch);

    public static async Task<ConsoleBrowser> SignInAsync(StationProcess station, string user, string password, int width = 1440, int height = 900, bool touch = false, bool dark = false)
    {
        Needs.Chromium();
        // Playwright's expectations wait 5 s by default; with three test lanes on two cores a circuit's render after a
        // task or an inventory refresh took longer in CI, so they wait as long as the page's own actions do.
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        var chromium = await SharedChromiumAsync().WaitAsync(Timeouts.Startup);
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            // The station's own CA is not in Chromium's store; the README tells a person to accept it or import /ca.crt.
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            HasTouch = touch,
            IsMobile = touch,
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        }).WaitAsync(Timeouts.Startup);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(ExpectTimeoutMs);
        var browser = new ConsoleBrowser(context, page);
        await page.GotoAsync(new Uri(station.BaseUrl, "/login").ToString());
        await page.GetByTestId("login-username").FillAsync(user);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await browser.WaitInteractiveAsync();
        return browser;
    }

    private static async Task<IBrowser> SharedChromiumAsync()
    {
        await Launching.WaitAsync();
        try
        {
            if (_chromium is { IsConnected: true }) return _chromium;
            var playwright = await Driver.Value;
            _chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                Timeout = 60_000,
            });
            return _chromium;
        }
        finally
        {
            Launching.Release();
        }
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
    }
}
