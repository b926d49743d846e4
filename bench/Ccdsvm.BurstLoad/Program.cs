using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ccdsvm.BurstLoad;

// dotnet run -c Release --project bench/Ccdsvm.BurstLoad -- --station Console.Blazor/bin/Release/net10.0/Console.Blazor.dll [--concurrency 200] [--seconds 60]
// or against a running station: --url http://127.0.0.1:5080 --admin-password '…'
// soak (issue 16): dotnet run -c Release --project bench/Ccdsvm.BurstLoad -- soak --station <Console.Blazor.dll> --agent <Unit.Agent.dll> [--users 50] [--tasks-per-user 10] [--minutes 10]
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
if (args.FirstOrDefault() == "soak")
{
    int users = int.Parse(Arg("--users") ?? "50", CultureInfo.InvariantCulture);
    int perUser = int.Parse(Arg("--tasks-per-user") ?? "10", CultureInfo.InvariantCulture);
    double minutes = double.Parse(Arg("--minutes") ?? "10", CultureInfo.InvariantCulture);
    await using var rig = await SoakRig.StartAsync(Arg("--station") ?? throw new ArgumentException("--station <Console.Blazor.dll> is required"),
        Arg("--agent") ?? throw new ArgumentException("--agent <Unit.Agent.dll> is required"), 2, TimeSpan.FromSeconds(90));
    Console.WriteLine($"soak: {users} users × {perUser} tasks for {minutes} min on {rig.Units.Count} units against {rig.Station.BaseUrl} ({Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription})");
    var soak = await Soak.RunAsync(new SoakOptions(rig.Station.BaseUrl, rig.Station.AdminPassword, rig.Station.ProcessId, rig.Units, users, perUser, TimeSpan.FromMinutes(minutes)));
    Console.Write(soak);
    return soak.Errors == 0 && soak.AllBounded ? 0 : 1;
}

int concurrency = int.Parse(Arg("--concurrency") ?? "200", CultureInfo.InvariantCulture);
double seconds = double.Parse(Arg("--seconds") ?? "60", CultureInfo.InvariantCulture);
int maxTasks = int.Parse(Arg("--max-tasks") ?? "1024", CultureInfo.InvariantCulture);

StationUnderLoad? station = null;
Uri url;
string password;
if (Arg("--station") is { } dll)
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    int port = ((IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    station = new StationUnderLoad(Path.GetFullPath(dll), port, "burst-admin-" + Guid.NewGuid().ToString("N")[..8], maxTasks);
    await station.WaitReadyAsync(TimeSpan.FromSeconds(90));
    (url, password) = (station.BaseUrl, station.AdminPassword);
}
else
{
    url = new Uri(Arg("--url") ?? throw new ArgumentException("give --station <Console.Blazor.dll> or --url <station> with --admin-password"));
    password = Arg("--admin-password") ?? throw new ArgumentException("--admin-password is required with --url");
}

try
{
    Console.WriteLine($"burst: {concurrency} clients for {seconds} s against {url} ({Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription})");
    var result = await Burst.RunAsync(new BurstOptions(url, password, concurrency, TimeSpan.FromSeconds(seconds)));
    Console.Write(result);
    int busy = station?.BusyLines.Count ?? 0;
    if (station is not null)
    {
        Console.WriteLine($"busy errors in the station's log: {busy}");
        foreach (var line in station.BusyLines.Take(5)) Console.WriteLine("  " + line);
    }
    return result.ServerErrors == 0 && result.Unanswered == 0 && busy == 0 ? 0 : 1;
}
finally
{
    station?.Dispose();
}
