using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Ccdsvm.ConsoleBench;

/// <summary>A viewport the bench opens: a desktop without touch, a tablet with touch (as the browser tests do).</summary>
public sealed record Viewport(int Width, int Height, bool Touch)
{
    public string Label => $"{Width}x{Height}";
}

/// <summary>
/// The runs on one station at one viewport, in one fresh browser context: the sign-in page's render (before signing in),
/// then per run a fresh load of /units (visible, then interactive), a unit's name typed into the search, the tag typed,
/// and the tag's chip clicked. The first <see cref="Warmup"/> runs are not counted.
/// </summary>
public sealed class ViewportRun(IBrowser browser, Target target, Viewport viewport, BenchOptions options)
{
    public const int Warmup = 2;
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Measure> _figures = new(StringComparer.Ordinal);
    private readonly Samples _firstByte = new();
    private IPage _page = default!;

    private Measure Figure(string name) => _figures.TryGetValue(name, out var m) ? m : _figures[name] = new Measure();

    private string Url(string path) => new Uri(target.Station, path).ToString();

    public async Task<JsonObject> RunAsync(Action<string> log)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = viewport.Width, Height = viewport.Height },
            HasTouch = viewport.Touch,
            IsMobile = viewport.Touch,
            // An https station's certificate was checked against --fingerprint over REST before the browser opened it.
            IgnoreHTTPSErrors = true,
        }).ConfigureAwait(false);
        try
        {
            await context.AddInitScriptAsync(PageProbe.InitScript(target.First)).ConfigureAwait(false);
            _page = await context.NewPageAsync().ConfigureAwait(false);
            _page.SetDefaultTimeout((float)Step.TotalMilliseconds);
            for (int run = 0; run < options.Runs + Warmup; run++) await LoginRenderAsync(run >= Warmup).ConfigureAwait(false);
            await SignInAsync().ConfigureAwait(false);
            for (int run = 0; run < options.Runs + Warmup; run++)
            {
                bool counted = run >= Warmup;
                await UnitsRunAsync(counted, shoot: run == options.Runs + Warmup - 1).ConfigureAwait(false);
                if (counted && (run - Warmup + 1) % 5 == 0) log($"{target.Label} {viewport.Label}: {run - Warmup + 1}/{options.Runs} runs");
            }
        }
        finally
        {
            await context.CloseAsync().ConfigureAwait(false);
        }
        var result = new JsonObject();
        foreach (var (name, m) in _figures) result[name] = m.ToJson();
        result["firstByte"] = new JsonObject { ["page"] = _firstByte.ToJson() };
        return result;
    }

    /// <summary>The sign-in page (plain server-rendered HTML, no circuit): a page of trivial weight from the same station.</summary>
    private async Task LoginRenderAsync(bool counted)
    {
        await _page.GotoAsync("about:blank").ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await _page.GotoAsync(Url("/login"), new PageGotoOptions { WaitUntil = WaitUntilState.Commit }).ConfigureAwait(false);
        await _page.GetByTestId("login-submit").WaitForAsync().ConfigureAwait(false);
        double wall = clock.Elapsed.TotalMilliseconds;
        var marks = await MarksAsync("login").ConfigureAwait(false);
        if (counted) Figure("loginVisible").Add(wall, marks.Mark("login"));
    }

    private async Task SignInAsync()
    {
        // Straight to the Units page: the landing page (the workspace, /) lists every unit in its rail.
        await _page.GotoAsync(Url("/login?returnUrl=%2Funits")).ConfigureAwait(false);
        await _page.GetByTestId("login-username").FillAsync(options.User).ConfigureAwait(false);
        await _page.GetByTestId("login-password").FillAsync(target.Password).ConfigureAwait(false);
        await _page.GetByTestId("login-submit").ClickAsync().ConfigureAwait(false);
        try
        {
            await _page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached }).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await ShootAsync("console-bench-signin-failed").ConfigureAwait(false);
            string text = await _page.Locator("body").InnerTextAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"signing in to {target.Station} as {options.User}: no interactive console after 30 s at {_page.Url}: "
                + text[..Math.Min(600, text.Length)]);
        }
    }

    private async Task UnitsRunAsync(bool counted, bool shoot)
    {
        await _page.GotoAsync("about:blank").ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await _page.GotoAsync(Url("/units"), new PageGotoOptions { WaitUntil = WaitUntilState.Commit }).ConfigureAwait(false);
        await _page.WaitForFunctionAsync(PageProbe.Shows, PageProbe.ToJs(target.First)).ConfigureAwait(false);
        double visible = clock.Elapsed.TotalMilliseconds;
        await _page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=interactive]')").ConfigureAwait(false);
        double interactive = clock.Elapsed.TotalMilliseconds;
        var marks = await MarksAsync("first", "interactive").ConfigureAwait(false);
        if (counted)
        {
            Figure("firstVisible").Add(visible, marks.Mark("first"));
            Figure("firstInteractive").Add(interactive, marks.Mark("interactive"));
            _firstByte.Add(marks.FirstByte);
        }
        if (shoot) await ShootAsync("console-bench-units").ConfigureAwait(false);

        var search = _page.Locator("input[data-testid=units-search], [data-testid=units-search] input").First;
        await TypeAsync(search, target.Name, counted).ConfigureAwait(false);
        if (shoot) await ShootAsync("console-bench-search").ConfigureAwait(false);
        await ClearAsync(search).ConfigureAwait(false);
        if (target.TagSearch is { } tag)
        {
            await TypeAsync(search, tag, counted).ConfigureAwait(false);
            await ClearAsync(search).ConfigureAwait(false);
        }
        if (target.TagChip is { } chip && await _page.GetByTestId("facet-tag-" + target.Tag).CountAsync().ConfigureAwait(false) > 0)
        {
            var button = _page.GetByTestId("facet-tag-" + target.Tag);
            await _page.EvaluateAsync(PageProbe.SetWant, PageProbe.ToJs(chip.Want)).ConfigureAwait(false);
            var click = Stopwatch.StartNew();
            await button.ClickAsync().ConfigureAwait(false);
            await _page.WaitForFunctionAsync(PageProbe.Shows, PageProbe.ToJs(chip.Want)).ConfigureAwait(false);
            double wall = click.Elapsed.TotalMilliseconds;
            var m = await MarksAsync(chip.Name).ConfigureAwait(false);
            if (counted) Figure(chip.Name).Add(wall, m.Mark(chip.Name) - m.LastClick);
            await button.ClickAsync().ConfigureAwait(false);
            await _page.WaitForFunctionAsync(PageProbe.Shows, PageProbe.ToJs(target.First)).ConfigureAwait(false);
        }
    }

    /// <summary>Types all but the last character, then times from the last keystroke until the list shows the matches.</summary>
    private async Task TypeAsync(ILocator search, SearchCase search1, bool counted)
    {
        await search.ClickAsync().ConfigureAwait(false);
        await search.PressSequentiallyAsync(search1.Text[..^1], new LocatorPressSequentiallyOptions { Delay = 20 }).ConfigureAwait(false);
        if (await _page.EvaluateAsync<bool>(PageProbe.Shows, PageProbe.ToJs(search1.Want)).ConfigureAwait(false))
            throw new InvalidOperationException($"{target.Label}: the page already shows what '{search1.Text}' would; pick a --search that changes the list");
        await _page.EvaluateAsync(PageProbe.SetWant, PageProbe.ToJs(search1.Want)).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await _page.Keyboard.TypeAsync(search1.Text[^1..]).ConfigureAwait(false);
        await _page.WaitForFunctionAsync(PageProbe.Shows, PageProbe.ToJs(search1.Want)).ConfigureAwait(false);
        double wall = clock.Elapsed.TotalMilliseconds;
        var marks = await MarksAsync(search1.Name).ConfigureAwait(false);
        if (counted) Figure(search1.Name).Add(wall, marks.Mark(search1.Name) - marks.LastInput);
    }

    private async Task ClearAsync(ILocator search)
    {
        await search.FillAsync("").ConfigureAwait(false);
        await _page.WaitForFunctionAsync(PageProbe.Shows, PageProbe.ToJs(target.First)).ConfigureAwait(false);
    }

    private async Task ShootAsync(string name)
    {
        if (options.Screenshots is null) return;
        Directory.CreateDirectory(options.Screenshots);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(options.Screenshots, $"{name}-{target.Label}-{viewport.Width}.png") })
            .ConfigureAwait(false);
    }

    /// <summary>Waits for the marks' animation frames, then reads the page's marks.</summary>
    private async Task<PageMarks> MarksAsync(params string[] names)
    {
        foreach (var name in names) await _page.WaitForFunctionAsync(PageProbe.HasMark, name).ConfigureAwait(false);
        string json = await _page.EvaluateAsync<string>(PageProbe.Marks).ConfigureAwait(false);
        return JsonSerializer.Deserialize<PageMarks>(json, Web)!;
    }
}

/// <summary>The page's marks in milliseconds since its navigation started.</summary>
public sealed record PageMarks(Dictionary<string, double> Marks, double LastInput, double LastClick, double Nav)
{
    public double Mark(string name) => Marks[name];

    /// <summary>When the response's first byte arrived.</summary>
    public double FirstByte => Nav;
}
