using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Hands a view read to a connected agent and returns its answer; null when the unit is not connected.</summary>
public interface IAgentReadLink
{
    Task<ViewReadAnswer?> ReadAsync(string unitId, TaskOrder order, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// Reads a unit without a task: a read-only kind (<see cref="IKindContract.ReadsOnly"/>: fs.list, fs.stat) is checked
/// exactly as a submission is (kind, target, privilege on the unit and on every path it would lock, parameters in
/// canonical form), signed into a ticket the unit checks again, and answered by the unit at once. No slot, no lock,
/// no row in the task list: a folder view never waits behind a task that holds the folder, and browsing leaves no
/// history. The same kinds still run as tasks for scripts that want them recorded.
/// </summary>
public sealed class UnitReads(TaskKindCatalog catalog, UnitRegistry units, AccessControl access, UnitTickets tickets, IAgentReadLink link, TimeProvider? time = null)
{
    /// <summary>How long a viewer waits for the unit's answer.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(35);

    private readonly SubmissionCheck _check = new(catalog, units, access);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<Outcome<TResult>> ReadAsync<TParameters, TResult>(Caller caller, string unit, KindContract<TParameters, TResult> contract,
        TParameters parameters, CancellationToken cancellationToken) where TParameters : class
    {
        ArgumentNullException.ThrowIfNull(contract);
        var read = await ReadJsonAsync(caller, unit, contract.Kind, contract.Write(parameters), cancellationToken).ConfigureAwait(false);
        if (!read.Ok) return read.Error!;
        try { return contract.ReadResult(read.Value)!; }
        catch (KindContractException ex) { return StationError.Conflict($"unit '{unit}' answered something that is not a {contract.Kind} result: {ex.Message}"); }
    }

    /// <summary>
    /// As <see cref="ReadAsync{TParameters, TResult}"/> for a kind named by a station above (a view relayed down, README
    /// "Layered stations"): the same checks for <paramref name="caller"/> here, the unit's answer as JSON.
    /// </summary>
    public async Task<Outcome<string>> ReadJsonAsync(Caller caller, string unit, string kind, JsonElement parameters, CancellationToken cancellationToken)
    {
        if (!KindContracts.TryGet(kind, out var contract)) return StationError.BadRequest($"'{kind}' is not a known kind");
        if (!contract.ReadsOnly) return StationError.BadRequest($"{kind} changes the unit: submit it as a task");
        var checkedRead = _check.Check(new SubmitTask(kind, unit, parameters), caller);
        if (!checkedRead.Ok) return checkedRead.Error!;
        var (definition, target, json, plan, _, _) = checkedRead.Value;
        var ticket = tickets.Issue(0, definition.Kind, target, caller.Name, plan.Select(r => r.Resource).Distinct(StringComparer.Ordinal), json);
        var order = new TaskOrder(0, definition.Kind, json, caller.Name, _time.GetUtcNow(), ticket);
        ViewReadAnswer? answer;
        try { answer = await link.ReadAsync(target, order, ReadTimeout, cancellationToken).ConfigureAwait(false); }
        catch (TimeoutException) { return StationError.Conflict($"unit '{target}' did not answer within {ReadTimeout.TotalSeconds:0} s"); }
        catch (Exception ex) when (ex is not OperationCanceledException) { return StationError.Conflict($"unit '{target}' could not be asked: {ex.Message}"); }
        if (answer is null) return StationError.Conflict($"unit '{target}' went offline; try again when it is back");
        if (answer.Error is { } error)
        {
            if (answer.ErrorKind == TaskErrorKind.Refused) tickets.RecordRefusal(caller.Name, target, 0, definition.Kind, error);
            return RelayedAnswerException.ErrorOf(answer.ErrorKind, error);
        }
        return answer.ResultJson is { } result ? result : StationError.Conflict($"unit '{target}' answered no {definition.Kind} result");
    }
}
