using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Ccdsvm.BurstLoad;

/// <summary>
/// One station (with its embedded agent, unit "station") and <c>agents</c> standalone agent processes enrolled to it,
/// each on its own temporary root and state. Everything is killed and deleted on dispose.
/// </summary>
public sealed class SoakRig : IAsyncDisposable
{
    private readonly List<Process> _agents = [];
    private readonly string _dirs = Directory.CreateTempSubdirectory("ccdsvm-soak-").FullName;

    private SoakRig(StationUnderLoad station) => Station = station;

    public StationUnderLoad Station { get; }
    public List<(string Unit, string Root)> Units { get; } = [];

    public static async Task<SoakRig> StartAsync(string stationDll, string agentDll, int agents, TimeSpan timeout)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var station = new StationUnderLoad(Path.GetFullPath(stationDll), port, "soak-admin-" + Guid.NewGuid().ToString("N")[..8], 1024,
            new Dictionary<string, string> { ["Station__MaxTasksPerUser"] = "64", ["Transfers__AllowLoopbackDataPlane"] = "true" });
        var rig = new SoakRig(station);
        try
        {
            await station.WaitReadyAsync(timeout).ConfigureAwait(false);
            rig.Units.Add(("station", station.RootDirectory));
            using var http = new HttpClient { BaseAddress = station.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            using var signIn = await http.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = station.AdminPassword }).ConfigureAwait(false);
            string token = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync().ConfigureAwait(false)).RootElement.GetProperty("token").GetString()!;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            for (int a = 0; a < agents; a++)
            {
                string name = $"soak-agent-{a + 1}";
                using var enrol = await http.PostAsJsonAsync("/api/v1/enrolments", new { note = "soak " + name }).ConfigureAwait(false);
                string text = await enrol.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (enrol.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"enrolment token for {name}: {(int)enrol.StatusCode} {text}");
                string enrolToken = JsonDocument.Parse(text).RootElement.GetProperty("token").GetString()!;
                string root = Directory.CreateDirectory(Path.Combine(rig._dirs, name, "root")).FullName;
                string state = Directory.CreateDirectory(Path.Combine(rig._dirs, name, "state")).FullName;
                var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
                foreach (var arg in new[] { Path.GetFullPath(agentDll), "--station", station.BaseUrl.ToString().TrimEnd('/'), "--name", name, "--enrol", enrolToken, "--root", root, "--state", state })
                    psi.ArgumentList.Add(arg);
                psi.Environment["Agent__MaxReconnectDelaySeconds"] = "1";
                var process = new Process { StartInfo = psi };
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                rig._agents.Add(process);
                rig.Units.Add((name, root));
            }
            await WaitOnlineAsync(http, [.. rig.Units.Select(u => u.Unit)], timeout).ConfigureAwait(false);
            return rig;
        }
        catch
        {
            await rig.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task WaitOnlineAsync(HttpClient http, List<string> units, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        string last = "";
        while (DateTime.UtcNow < until)
        {
            using var response = await http.GetAsync("/api/v1/units").ConfigureAwait(false);
            last = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var online = JsonDocument.Parse(last).RootElement.EnumerateArray().Where(u => u.GetProperty("status").GetString() == "online").Select(u => u.GetProperty("id").GetString()).ToHashSet();
                if (units.All(online.Contains)) return;
            }
            await Task.Delay(250).ConfigureAwait(false);
        }
        throw new TimeoutException($"units {string.Join(", ", units)} not all online within {timeout.TotalSeconds:0} s: {last}");
    }

    public ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            try { if (!agent.HasExited) agent.Kill(entireProcessTree: true); agent.WaitForExit(15000); }
            catch (InvalidOperationException) { }
            agent.Dispose();
        }
        Station.Dispose();
        try { Directory.Delete(_dirs, recursive: true); }
        catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
