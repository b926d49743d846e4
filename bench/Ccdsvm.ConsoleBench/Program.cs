using System.Globalization;
using System.Text.Json.Nodes;
using Ccdsvm.ConsoleBench;
using Microsoft.Playwright;

// dotnet bench/Ccdsvm.ConsoleBench/bin/Release/net10.0/Ccdsvm.ConsoleBench.dll --station http://127.0.0.1:5090 --user admin --password P
//   [--baseline-station http://127.0.0.1:5091] [--runs 20] [--search TEXT] [--tag rack-9] [--screenshots docs/screenshots]
// Debian's Chromium (/usr/bin/chromium) through Playwright, nothing downloaded; ends with one JSON line of figures (milliseconds).
// The rig that starts the stations and 10,000 simulated units around it: bench/console-bench.sh, described in docs/BENCHMARKS.md.
// `Ccdsvm.ConsoleBench panes ...`: the circuits-at-scale bench (PaneBench.cs, bench/panes-bench.sh).
if (args.Length > 0 && args[0] == "panes") return await PaneBench.RunAsync(args[1..]);
// `Ccdsvm.ConsoleBench stacks PID`: every managed thread's stack of a (stalled) station.
if (args.Length == 2 && args[0] == "stacks")
{
    Console.WriteLine(ThreadStacks.Dump(int.Parse(args[1], CultureInfo.InvariantCulture)));
    return 0;
}

// `Ccdsvm.ConsoleBench heapdiff BEFORE.dmp AFTER.dmp [CIRCUITS] [TOP]`: live bytes by type grown between two heap dumps (HeapTypes.cs).
if (args.Length >= 3 && args[0] == "heapdiff")
{
    int per = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
    int top = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 40;
    Console.WriteLine(HeapTypes.Diff(args[1], args[2], per, top));
    return 0;
}

// `Ccdsvm.ConsoleBench components DUMP [CIRCUITS] [TOP]`: components by type and the bytes of their render trees (HeapTypes.cs).
if (args.Length >= 2 && args[0] == "components")
{
    int per = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
    int top = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 40;
    Console.WriteLine(HeapTypes.Components(args[1], per, top));
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
if (!File.Exists(options.Chromium))
{
    Console.Error.WriteLine($"no Chromium at {options.Chromium}: install Debian's chromium package (the bench never downloads a browser)");
    return 2;
}

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";
static void Log(string line) => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");

string loadStart = Load();
var targets = new List<Target> { await Target.ReadAsync("fleet", options.Station, options.User, options.Password, options.Fingerprint, options.Search, options.Tag) };
if (options.BaselineStation is { } baseUrl)
    targets.Add(await Target.ReadAsync("baseline", baseUrl, options.User, options.BaselinePassword, options.Fingerprint, null, options.Tag));
foreach (var t in targets) Log($"{t.Label}: {t.Describe().ToJsonString()}");

Viewport[] viewports = [new(1366, 900, false), new(768, 1024, true)];
var results = new JsonObject();
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = options.Chromium,
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    Timeout = 60_000,
});
foreach (var viewport in viewports)
{
    var perStation = new JsonObject();
    foreach (var target in targets)
    {
        Log($"{target.Label} at {viewport.Label}: {options.Runs} runs after {ViewportRun.Warmup} warm-up runs, load {Load()}");
        perStation[target.Label] = await new ViewportRun(browser, target, viewport, options).RunAsync(Log);
    }
    results[viewport.Label] = perStation;
}

var figures = new JsonObject
{
    ["bench"] = "console",
    ["runs"] = options.Runs,
    ["warmup"] = ViewportRun.Warmup,
    ["chromium"] = browser.Version,
    ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["loadStart"] = loadStart, ["loadEnd"] = Load() },
    ["stations"] = new JsonObject(targets.Select(t => KeyValuePair.Create(t.Label, (JsonNode?)t.Describe()))),
    ["results"] = results,
    ["at"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
};
Console.WriteLine(figures.ToJsonString());
return 0;
