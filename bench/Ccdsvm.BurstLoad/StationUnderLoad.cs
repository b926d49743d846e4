using System.Diagnostics;

namespace Ccdsvm.BurstLoad;

/// <summary>
/// A fresh station process for the burst (its own data directory and port), whose log lines are watched for the
/// store's busy errors while it runs. Killed with its children on dispose.
/// </summary>
public sealed class StationUnderLoad : IDisposable
{
    private static readonly string[] BusyMarks = ["database is locked", "SQLITE_BUSY", "SQLite Error 5:"];
    private readonly Process _process;
    private readonly string _data = Directory.CreateTempSubdirectory("ccdsvm-burst-").FullName;
    private readonly List<string> _busyLines = [];

    public StationUnderLoad(string stationDll, int port, string adminPassword, int maxTasks, IReadOnlyDictionary<string, string>? environment = null)
    {
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        AdminPassword = adminPassword;
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _data };
        psi.ArgumentList.Add(stationDll);
        psi.Environment["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/');
        // Plain HTTP, asked for explicitly: the benchmarks measure the station's own work, comparable with earlier runs.
        psi.Environment["Station__AllowInsecureHttp"] = "true";
        psi.Environment["Station__DataDirectory"] = Path.Combine(_data, "data");
        psi.Environment["Station__MaxTasks"] = maxTasks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["Agent__Roots__0"] = Directory.CreateDirectory(Path.Combine(_data, "root")).FullName;
        psi.Environment["CCDSVM_ADMIN_PASSWORD"] = adminPassword;
        psi.Environment["Logging__Console__DisableColors"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Watch(e.Data);
        _process.ErrorDataReceived += (_, e) => Watch(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseUrl { get; }
    public string AdminPassword { get; }

    /// <summary>The station process's id (for sampling its RSS, handles and threads).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The embedded agent's root directory (unit "station").</summary>
    public string RootDirectory => Path.Combine(_data, "root");

    /// <summary>Log lines that report a busy store, so far.</summary>
    public IReadOnlyList<string> BusyLines { get { lock (_busyLines) return [.. _busyLines]; } }

    private void Watch(string? line)
    {
        if (line is null || !BusyMarks.Any(m => line.Contains(m, StringComparison.Ordinal))) return;
        lock (_busyLines) _busyLines.Add(line);
    }

    /// <summary>Waits until /healthz answers 200 and the station's own unit is online (tasks are sent to it).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the station exited with {_process.ExitCode}");
            try
            {
                using var response = await http.GetAsync("/healthz").ConfigureAwait(false);
                // The embedded agent connects a moment after the store is up.
                if (response.IsSuccessStatusCode) { await Task.Delay(3000).ConfigureAwait(false); return; }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250).ConfigureAwait(false);
        }
        throw new TimeoutException($"the station at {BaseUrl} did not answer /healthz within {timeout.TotalSeconds:0} s");
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); _process.WaitForExit(15000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_data, recursive: true); }
        catch (IOException) { }
    }
}
