using System.Diagnostics;
using System.Text;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>
/// The CLI run on a pseudo-terminal (util-linux <c>script</c>), as a person at a terminal runs it: its output is
/// collected, a test waits until something is drawn, then types keys (Ctrl-C, which the terminal turns into SIGINT).
/// The process is killed on dispose if it is still there.
/// </summary>
public sealed class PseudoTerminal : IDisposable
{
    private readonly Process _script;
    private readonly StringBuilder _output = new();
    private readonly Task _reading;
    private Func<string, bool>? _until;
    private TaskCompletionSource? _seen;

    private PseudoTerminal(Process script)
    {
        _script = script;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Starts <c>ccdsvm ARGS</c> on a terminal with the CLI home <paramref name="home"/> (its config and profile).</summary>
    public static PseudoTerminal Start(string home, string arguments)
    {
        var psi = new ProcessStartInfo("script", ["-qec", $"exec dotnet {RepoPaths.CliDll} {arguments}", "/dev/null"])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["HOME"] = home;
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, ".config-xdg");
        psi.Environment["TERM"] = "xterm-256color";
        psi.Environment.Remove("CI");
        return new PseudoTerminal(Process.Start(psi) ?? throw new InvalidOperationException("script did not start"));
    }

    /// <summary>Everything drawn so far, escape sequences included.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public int ExitCode => _script.ExitCode;

    /// <summary>Waits until the drawn output passes <paramref name="drawn"/>; fails the test with the output otherwise.</summary>
    public async Task WaitUntilAsync(Func<string, bool> drawn, string what, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            _until = drawn;
            _seen = seen;
            if (drawn(_output.ToString())) seen.TrySetResult();
        }
        if (await Task.WhenAny(seen.Task, Task.Delay(timeout)) != seen.Task)
            Assert.Fail($"{what} not seen on the terminal within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    /// <summary>Types <paramref name="keys"/> on the terminal, as a person at it would.</summary>
    public async Task TypeAsync(string keys)
    {
        await _script.StandardInput.WriteAsync(keys);
        await _script.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the CLI to end by itself and its output to be read to the end; fails the test with the output otherwise.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _script.WaitForExitAsync().WaitAsync(timeout);
            await _reading.WaitAsync(Timeouts.ProcessExit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the CLI did not end within {timeout.TotalSeconds:0} s:\n{Output}");
        }
    }

    /// <summary>Types Ctrl-C and waits for the CLI to end and its output to be read to the end.</summary>
    public async Task CtrlCAsync()
    {
        await _script.StandardInput.WriteAsync('\u0003');
        await _script.StandardInput.FlushAsync();
        await _script.WaitForExitAsync().WaitAsync(Timeouts.ProcessExit);
        await _reading.WaitAsync(Timeouts.ProcessExit);
    }

    private async Task ReadAsync()
    {
        var buffer = new char[4096];
        int n;
        while ((n = await _script.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_output)
            {
                _output.Append(buffer, 0, n);
                if (_until is { } until && until(_output.ToString())) _seen?.TrySetResult();
            }
        }
    }

    public void Dispose()
    {
        if (!_script.HasExited) _script.Kill(entireProcessTree: true);
        _script.Dispose();
    }
}
