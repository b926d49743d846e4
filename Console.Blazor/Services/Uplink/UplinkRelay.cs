using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Unit.Agent;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Network;

namespace Ccdsvm.Console.Blazor.Services.Uplink;

/// <summary>
/// The uplink agent's relay (README, "Layered stations"): an order from the upper station, its ticket checked by the
/// agent, runs as a task of this station (<see cref="TaskRelay"/>); its stages, progress, log and end are reported up as
/// the agent reports any task's. A net.configure relayed down waits here for the upper station's confirmation as a
/// unit's agent would (<see cref="NetConfirmations"/>), and passes it on to the task relayed for it (<see cref="TaskRelay.ConfirmAsync"/>);
/// a system.terminal's bytes are carried between the two stations (<see cref="UplinkTerminals"/>).
/// </summary>
public sealed class UplinkRelay(TaskRelay relay, NetConfirmations? confirmations = null, UplinkTerminals? terminals = null) : IOrderRelay
{
    public bool Reaches(string target) => relay.Reaches(target);

    public async Task<object?> RunAsync(TaskOrder order, TaskTicket ticket, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(context);
        int lastStage = 0;
        bool linked = false;
        using var confirmation = order.Kind == TaskKinds.NetConfigure ? confirmations?.Expect(order.TaskId) : null;
        _ = confirmation?.Confirmed.ContinueWith(async _ =>
        {
            var confirmed = await relay.ConfirmAsync(order.TaskId, ticket.User).ConfigureAwait(false);
            context.Log(confirmed.Ok ? $"the confirmation was passed on to {relay.Self}" : $"the confirmation could not be passed on: {confirmed.Error!.Message}");
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Unwrap();
        Task<string?>? carrying = null;
        using var carry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var end = await relay.RunAsync(new RelayRequest(order.TaskId, order.Kind, ticket.Target, order.ParametersJson, ticket.User), update =>
        {
            var t = update.Task;
            // The link down, in the task's log at the station above (and, through each layer's log, at the top).
            if (!linked) context.Log($"relayed to {relay.Self} as task {t.Id} (owner there: {t.Owner})");
            context.RelayedTo(relay.Self, t.Id);
            linked = true;
            if (order.Kind == TaskKinds.SystemTerminal && terminals is not null && carrying is null && t.State == TaskStateNames.Running)
                carrying = Task.Run(() => terminals.CarryAsync(order.TaskId, t.Id, ticket.User, carry.Token), CancellationToken.None);
            // A stage finished here is finished above too: the upper station releases the locks it tied to it.
            for (int done = Math.Max(lastStage, 1); lastStage > 0 && done < t.StageIndex; done++) _ = context.StageDoneAsync(done);
            lastStage = Math.Max(lastStage, t.StageIndex);
            context.EnterStage(Math.Max(t.StageIndex, 1), Math.Max(t.StageCount, 1), t.Stage ?? t.State);
            context.Report(t.Progress);
            // Each line already starts with the time it was logged below; the context stamps it again.
            foreach (var line in update.NewLogLines) context.Log(line.Length > 9 && line[2] == ':' && line[5] == ':' && line[8] == ' ' ? line[9..] : line);
        }, cancellationToken).ConfigureAwait(false);
        if (carrying is not null)
        {
            // The session's last output goes up before the task's end does.
            try
            {
                if (await carrying.WaitAsync(TimeSpan.FromSeconds(15), CancellationToken.None).ConfigureAwait(false) is { } why)
                    context.Log($"the terminal could not be carried to {relay.Self}: {why}");
            }
            catch (TimeoutException) { await carry.CancelAsync().ConfigureAwait(false); }
        }
        return end.State switch
        {
            TaskState.Succeeded => end.Result is { } result ? result.Clone() : (JsonElement?)null,
            TaskState.Cancelled when cancellationToken.IsCancellationRequested => throw new OperationCanceledException(cancellationToken),
            _ => throw new TaskFailureException(end.Error ?? $"the task ended {end.State.ToApi()} at {relay.Self}", kind: end.ErrorKind ?? TaskErrorKind.Failed),
        };
    }
}
