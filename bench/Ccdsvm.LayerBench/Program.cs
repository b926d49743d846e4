using System.Text.Json.Nodes;
using Ccdsvm.LayerBench;

// Driven by bench/layers-bench.sh (which starts the stations and the simulated fleets); each command prints one JSON line.
//   dispatch  --top URL --top-token T --mid URL --mid-token T --mid-name NAME --units a,b,c --path FILE [--pairs 200] [--warmup 20] [--poll-ms 2] [--kind fs.checksum]
//   inventory --top URL --top-token T --mid NAME,URL,TOKEN,PREFIX (repeat) --expect N [--poll-ms 50] [--timeout 900] [--top-pid PID] [--idle-seconds 30]
//   delta     --top URL --top-token T --mid URL --mid-token T --mid-name NAME --unit NAME --pid PID [--poll-ms 5]
const string Usage = "usage: Ccdsvm.LayerBench dispatch|inventory|delta … (see Program.cs and bench/layers-bench.sh)";
if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}
var a = new Args(args[1..]);
try
{
    JsonObject result;
    switch (args[0])
    {
        case "dispatch":
        {
            using var top = a.Station("top");
            using var mid = new Station(a.Need("--mid-name"), a.Url("--mid"), a.Need("--mid-token"));
            result = await new DispatchBench(top, mid, a.Need("--units").Split(','), a.Get("--kind") ?? "fs.checksum", a.Need("--path"),
                a.Number("--pairs", 200), a.Number("--warmup", 20), a.Number("--poll-ms", 2)).RunAsync();
            break;
        }
        case "inventory":
        {
            using var top = a.Station("top");
            var mids = a.All("--mid").Select(m => m.Split(',')).Select(p => (Mid: new Station(p[0], new Uri(p[1]), p[2]), Prefix: p[3])).ToList();
            try
            {
                var topPid = a.Get("--top-pid") is null ? null : new ProcessProbe(a.Number("--top-pid", 0));
                result = await new InventoryBench(top, mids, a.Number("--expect", 0), a.Number("--poll-ms", 50), a.Number("--timeout", 900), topPid,
                    a.Number("--idle-seconds", 30)).RunAsync();
            }
            finally
            {
                foreach (var (m, _) in mids) m.Dispose();
            }
            break;
        }
        case "delta":
        {
            using var top = a.Station("top");
            using var mid = new Station(a.Need("--mid-name"), a.Url("--mid"), a.Need("--mid-token"));
            result = await new DeltaBench(top, mid, a.Need("--unit"), a.Number("--pid", 0), a.Number("--poll-ms", 5)).RunAsync();
            break;
        }
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
    Console.WriteLine(result.ToJsonString());
    return 0;
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException or HttpRequestException or FormatException)
{
    Console.Error.WriteLine($"layerbench {args[0]}: {ex.Message}");
    return 1;
}
