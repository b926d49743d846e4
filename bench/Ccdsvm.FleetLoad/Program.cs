using System.Text.Json;
using Ccdsvm.FleetLoad;

// dotnet run -c Release --project bench/Ccdsvm.FleetLoad -- --station http://127.0.0.1:5080 --token <admin API token> --agents 1000 --duration 30 [--tasks-per-second 50]
// Ends with one JSON line of its figures; exit code 0 when every unit connected and every accepted task succeeded.
FleetOptions options;
try
{
    options = FleetOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var run = new FleetRun(options);
var figures = await run.RunAsync();
Console.WriteLine(figures.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
var tasks = figures["tasks"]!;
bool ok = (int)figures["connected"]! == options.Agents && (int)tasks["succeeded"]! == (int)tasks["accepted"]! && (int)tasks["refused"]! == 0;
return ok ? 0 : 1;
