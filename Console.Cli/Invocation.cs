using System.CommandLine;
using Spectre.Console;

namespace Ccdsvm.Console.Cli;

/// <summary>What one command run needs besides its own options: the output settings and the station connection.</summary>
public sealed class Invocation
{
    public Invocation(ParseResult parse)
    {
        Parse = parse;
        Format = parse.GetValue(GlobalOptions.Output);
        Quiet = parse.GetValue(GlobalOptions.Quiet);
        bool terminal = !System.Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb"
                        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        Interactive = terminal;
        LiveProgress = terminal && !parse.GetValue(GlobalOptions.NoProgress) && !Quiet && Format == OutputFormat.Table;
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(System.Console.Out),
        });
        // Piped output is read by scripts: no wrapping at 80 columns.
        if (!terminal) Out.Profile.Width = 400;
    }

    public ParseResult Parse { get; }
    public OutputFormat Format { get; }
    public bool Quiet { get; }

    /// <summary>Standard output is a terminal (not a pipe, not CI).</summary>
    public bool Interactive { get; }

    /// <summary>Progress bars and live views; otherwise plain timestamped lines.</summary>
    public bool LiveProgress { get; }

    public IAnsiConsole Out { get; }

    public StationClient Open() => Connection.Resolve(Parse, CliConfig.Load()).Open();

    /// <summary>A line for people on standard error (kept off standard output, which scripts parse).</summary>
    public void Note(string text)
    {
        if (!Quiet) System.Console.Error.WriteLine(text);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "the body comes last so that command actions read as one block")]
    /// <summary>Runs a command body: a <see cref="CliException"/> prints its message and exits with its code; Ctrl-C exits 130.</summary>
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken ct, Func<Invocation, CancellationToken, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body(new Invocation(parse), ct).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await System.Console.Error.WriteLineAsync("ccdsvm: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await System.Console.Error.WriteLineAsync("ccdsvm: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }
}
