using System.CommandLine;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>
/// What every storage verb shares: the UNIT argument, the run options of <c>task run</c> (and <c>--yes</c> for the
/// destructive ones), and one run: typed parameters checked by the kind's contract, confirmation, then
/// <see cref="TaskCommands.SubmitAndFollowAsync"/>, so output, live progress and exit codes are those of <c>task run</c>.
/// </summary>
public sealed class StorageTask
{
    private readonly Option<bool> _detach = new("--detach", "-d") { Description = "print the task and return at once, without following it" };
    private readonly Option<string?> _key = new("--idempotency-key") { Description = "resubmitting with the same key returns the same task instead of a second one" };
    private readonly Option<bool> _cancelOnInterrupt = new("--cancel-on-interrupt") { Description = "Ctrl-C cancels the task (by default it only detaches)" };
    private readonly Option<bool>? _yes;

    private StorageTask(Command command, bool destructive)
    {
        Unit = new Argument<string>("UNIT") { Description = "the unit whose storage to change, e.g. station (see 'ccdsvm units list')" };
        command.Arguments.Add(Unit);
        if (destructive)
        {
            _yes = new Option<bool>("--yes", "-y") { Description = "confirm the destructive change without asking (needed when not on a terminal)" };
            command.Options.Add(_yes);
        }
        command.Options.Add(_detach);
        command.Options.Add(_key);
        command.Options.Add(_cancelOnInterrupt);
    }

    public Argument<string> Unit { get; }

    /// <summary>Adds UNIT first, then the run options; the caller adds its own arguments and options after.</summary>
    public static StorageTask On(Command command, bool destructive)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new StorageTask(command, destructive);
    }

    /// <summary>
    /// Checks <paramref name="parameters"/> with the contract (exit 2 before any request), asks to confirm what
    /// <paramref name="danger"/> says of the unit when it is not null, then submits one task on the unit and follows it.
    /// </summary>
    public async Task<int> RunAsync<TParameters, TResult>(Invocation inv, ParseResult parse, KindContract<TParameters, TResult> contract, TParameters parameters,
        Func<string, string>? danger, CancellationToken ct)
        where TParameters : class
    {
        ArgumentNullException.ThrowIfNull(inv);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(contract);
        string unit = parse.GetValue(Unit)!;
        var json = contract.Write(parameters);
        if (contract.Check(json) is { } problem)
            throw new CliException(ExitCodes.Usage, problem);
        if (danger is not null) Confirm.Destructive(inv, _yes is not null && parse.GetValue(_yes), danger(unit));
        using var client = inv.Open();
        return await TaskCommands.SubmitAndFollowAsync(inv, client, contract.Kind, [unit], _ => json,
            new TaskCommands.RunSettings(parse.GetValue(_detach), parse.GetValue(_key), parse.GetValue(_cancelOnInterrupt)), ct).ConfigureAwait(false);
    }

    /// <summary>A switch that is sent only when given (the unit's default applies otherwise).</summary>
    public static bool? Flag(ParseResult parse, Option<bool> option) => parse?.GetValue(option) == true ? true : null;
}
