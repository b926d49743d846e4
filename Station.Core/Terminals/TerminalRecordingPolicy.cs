using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Terminals;

/// <summary>
/// At dispatch of a <c>system.terminal</c> order, adds <c>record: true</c> when <c>Station:Terminal:Record</c> is on, so
/// the unit records the session to its log (or refuses the session when it cannot). A user cannot send the field: the
/// contract refuses it from them (<see cref="SystemTerminal.RecordField"/>), and the signed ticket covers the order as sent.
/// </summary>
public sealed class TerminalRecordingPolicy(IOptions<StationOptions> options) : IOrderPreparer
{
    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller) => null;

    public Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson)
    {
        if (kind != TaskKinds.SystemTerminal || !options.Value.Terminal.Record) return parametersJson;
        var p = SystemTerminal.Contract.ReadOrder(parametersJson);
        return SystemTerminal.Contract.WriteJson(p with { Record = true });
    }
}
