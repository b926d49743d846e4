using System.Diagnostics;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>What one run of <c>ccdsvm</c> printed and exited with.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the real CLI (<c>dotnet ccdsvm.dll …</c>) as a user would from a script: its own HOME and XDG_CONFIG_HOME,
/// no CCDSVM_* variables but those given, standard output and input redirected (not a terminal).
/// </summary>
public sealed class CliRunner(string home)
{
    public string Home { get; } = home;
    public string ConfigFile => Path.Combine(Home, ".config-xdg", "ccdsvm", "config.json");

    /// <param name="onStderrLine">hears each line of standard error as it is printed (progress lines), for tests that act meanwhile.</param>
    public async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? stdin = null, TimeSpan? timeout = null,
        Action<string>? onStderrLine = null)
    {
        using var process = Start(args, env);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = ReadLinesAsync(process.StandardError, onStderrLine);
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? Timeouts.ShortTask);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ccdsvm {string.Join(' ', args)} did not end within {(timeout ?? Timeouts.ShortTask).TotalSeconds} s\n{await stdout}\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>Starts the CLI set up as <see cref="RunAsync(IEnumerable{string}, IReadOnlyDictionary{string, string}?, string?, TimeSpan?, Action{string}?)"/> does, for a test that reads it live, signals or kills it.</summary>
    public Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Home,
        };
        psi.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in new[] { "CCDSVM_URL", "CCDSVM_TOKEN", "CCDSVM_PROFILE", "CCDSVM_FINGERPRINT", "CCDSVM_CA_FILE", "CI" })
            psi.Environment.Remove(name);
        psi.Environment["HOME"] = Home;
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(Home, ".config-xdg");
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start ccdsvm");
    }

    private static async Task<string> ReadLinesAsync(StreamReader reader, Action<string>? onLine)
    {
        var all = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            all.Append(line).Append('\n');
            onLine?.Invoke(line);
        }
        return all.ToString();
    }
}
