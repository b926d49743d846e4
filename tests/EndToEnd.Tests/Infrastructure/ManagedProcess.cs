using System.Diagnostics;
using System.Text;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real child process (<c>dotnet some.dll …</c>) whose stdout and stderr are kept in a buffer for diagnostics,
/// killed with its whole tree on dispose.
/// </summary>
public sealed class ManagedProcess : IDisposable
{
    private const int MaxBufferedChars = 512 * 1024;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();
    private readonly Process _process;
    private readonly List<(string Needle, TaskCompletionSource Seen)> _watches = [];

    public ManagedProcess(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory)
        : this(name, "dotnet", [dll, .. args], environment, workingDirectory, runExecutable: true)
    {
    }

    private ManagedProcess(string name, string executable, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory, bool runExecutable)
    {
        _ = runExecutable;
        Name = name;
        var psi = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // No colours or console-width wrapping in captured logs.
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["Logging__Console__DisableColors"] = "true";
        psi.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        // Log as an installed station does (appsettings.json: Microsoft.AspNetCore at Warning), which a process started
        // in a work directory does not read: six lines with scopes per request and four per HTTP call otherwise, which
        // cost the 2-core CI machine noticeable CPU in every station and agent. A test may still ask for more.
        psi.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        psi.Environment["Logging__LogLevel__System.Net.Http.HttpClient"] = "Warning";
        foreach (var (k, v) in environment) psi.Environment[k] = v;

        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append("out", e.Data);
        _process.ErrorDataReceived += (_, e) => Append("err", e.Data);
        if (!_process.Start()) throw new InvalidOperationException($"could not start {name}: {executable}");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Append("test", $"started {name} (pid {_process.Id}): {executable} {string.Join(' ', args)}");
    }

    /// <summary>Runs <paramref name="executable"/> itself (the apphost of a self-contained publish), not through dotnet.</summary>
    public static ManagedProcess StartExecutable(string name, string executable, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory) =>
        new(name, executable, args, environment, workingDirectory, runExecutable: true);

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    /// <summary>Everything the process printed so far (trimmed to the last 512 KiB).</summary>
    public string Output
    {
        get { lock (_gate) return _output.ToString(); }
    }

    /// <summary>Completes when a line containing <paramref name="needle"/> has been printed (or already was).</summary>
    /// <summary>Waits for a line containing <paramref name="needle"/>; a timeout says whether the process exited, with what it printed.</summary>
    public async Task WaitForOutputAsync(string needle, TimeSpan timeout)
    {
        TaskCompletionSource seen;
        lock (_gate)
        {
            if (_output.ToString().Contains(needle, StringComparison.Ordinal)) return;
            seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watches.Add((needle, seen));
        }
        try
        {
            await seen.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not print '{needle}' within {timeout.TotalSeconds} s ({(HasExited ? "it exited" : "still running")}); its output:\n{Output}");
        }
    }

    private void Append(string stream, string? line)
    {
        if (line is null) return;
        List<TaskCompletionSource> hits = [];
        lock (_gate)
        {
            _output.Append('[').Append(Name).Append(' ').Append(stream).Append("] ").AppendLine(line);
            if (_output.Length > MaxBufferedChars) _output.Remove(0, _output.Length - MaxBufferedChars);
            for (int i = _watches.Count - 1; i >= 0; i--)
            {
                if (!line.Contains(_watches[i].Needle, StringComparison.Ordinal)) continue;
                hits.Add(_watches[i].Seen);
                _watches.RemoveAt(i);
            }
        }
        foreach (var h in hits) h.TrySetResult();
    }

    /// <summary>Waits for the process to exit by itself and answers its exit code; a timeout says what it printed.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s; its output:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the process and its children and waits (bounded) for it to be gone.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                if (!_process.WaitForExit(Timeouts.ProcessExit))
                    Append("test", $"{Name} did not exit within {Timeouts.ProcessExit.TotalSeconds} s after kill");
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Append("test", $"kill {Name}: {ex.Message}");
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
