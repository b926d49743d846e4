using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>The real Unit.Agent executable as a child process, its output kept; killed with its tree on dispose.</summary>
public sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    public AgentProcess(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(AgentDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        psi.Environment["Agent__MaxReconnectDelaySeconds"] = "1";
        // The test hub issues no data-plane certificates, so these agents serve it plain; TLS on the data plane, with a
        // real station's certificates, is tested end to end (EndToEnd.Tests/Tls/DataPlaneTlsTests).
        psi.Environment["Agent__DataUrl"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the agent");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Unit.Agent.dll as its own project built it, else the copy next to the tests.</summary>
    public static string AgentDll
    {
        get
        {
            var here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var configuration = new DirectoryInfo(here).Parent!.Name;
            for (var dir = new DirectoryInfo(here); dir is not null; dir = dir.Parent)
            {
                var built = Path.Combine(dir.FullName, "Unit.Agent", "bin", configuration, "net10.0", "Unit.Agent.dll");
                if (File.Exists(Path.Combine(dir.FullName, "Ccdsvm.sln")) && File.Exists(built)) return built;
            }
            return Path.Combine(here, "Unit.Agent.dll");
        }
    }

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
