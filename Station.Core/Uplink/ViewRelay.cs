using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Uplink;

/// <summary>
/// A mid station's side of the views the station above asks of a unit below it (README, "Layered stations"): a folder
/// listing or another read-only kind (its ticket checked by the uplink against the pinned key), the storage, the process
/// and thread lists. Each is asked through this station's own path as the upper user (<c>user@label</c>, group
/// <c>upstream</c>), so this station's ACL decides and this station signs its own ticket to the unit. Answers are JSON or
/// why not, in words naming this station.
/// </summary>
public sealed class ViewRelay(TaskRelay relay, UnitReads reads, UnitStorage storage, UnitMonitoring monitoring)
{
    /// <summary>A read-only kind for <paramref name="target"/> (as its ticket says), read here for the ticket's user.</summary>
    public async Task<ViewReadAnswer> ReadAsync(string kind, string target, string parametersJson, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parametersJson);
        var caller = relay.CallerOf(user);
        string here = Here(target);
        JsonElement parameters;
        try
        {
            using var doc = JsonDocument.Parse(parametersJson);
            parameters = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return new ViewReadAnswer(null, $"refused at {relay.Self}: the parameters are not JSON: {ex.Message}", TaskErrorKind.Invalid);
        }
        var read = await reads.ReadJsonAsync(caller, here, kind, parameters, cancellationToken).ConfigureAwait(false);
        return read.Ok ? new ViewReadAnswer(read.Value, null) : Answer(caller, here, read.Error!);
    }

    /// <summary>The storage of <paramref name="unit"/>, read now for <paramref name="user"/>.</summary>
    public async Task<ViewReadAnswer> StorageAsync(string unit, string user, CancellationToken cancellationToken)
    {
        var caller = relay.CallerOf(user);
        var read = await storage.RefreshAsync(caller, unit, cancellationToken).ConfigureAwait(false);
        return read.Ok ? Json(read.Value!.Storage) : Answer(caller, unit, read.Error!);
    }

    /// <summary>The process table of <paramref name="unit"/> for <paramref name="user"/>.</summary>
    public async Task<ViewReadAnswer> ProcessesAsync(string unit, string user)
    {
        var caller = relay.CallerOf(user);
        var list = await monitoring.ProcessesAsync(caller, unit).ConfigureAwait(false);
        return list.Ok ? Json(list.Value!) : Answer(caller, unit, list.Error!);
    }

    /// <summary>The threads of process <paramref name="pid"/> of <paramref name="unit"/> for <paramref name="user"/>.</summary>
    public async Task<ViewReadAnswer> ThreadsAsync(string unit, string user, int pid)
    {
        var caller = relay.CallerOf(user);
        var list = await monitoring.ThreadsAsync(caller, unit, pid).ConfigureAwait(false);
        return list.Ok ? Json(list.Value!) : Answer(caller, unit, list.Error!);
    }

    private string Here(string target) => target == relay.Self ? TaskEngine.StationTarget : target;

    private static ViewReadAnswer Json<T>(T value) => new(JsonSerializer.Serialize(value, KindJson.ResultOptions), null);

    private ViewReadAnswer Answer(Caller caller, string target, StationError error)
    {
        var (words, kind) = relay.Refusal(caller, target, error);
        return new ViewReadAnswer(null, words, kind);
    }
}
