
namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Completes an order's parameters at dispatch (e.g. a transfer ticket); returns the JSON to send or a refusal.
/// What it will need at dispatch it may check at admission, where the caller is known (an upload is theirs).
/// </summary>
public interface IOrderPreparer
{
    /// <summary>A refusal for a task that cannot be prepared for this caller, or null; runs inside admission, so it must be quick.</summary>
    StationError? CheckSubmit(string kind, string parametersJson, Caller caller);

    /// <summary>
    /// The same check seeing the tasks admitted and not yet ended (those of the same batch included), for what
    /// they reserve (a volume's size, an upload's bytes). Runs inside the admission's monitor, so concurrent
    /// admissions see each other; enumerate it only for the kinds that need it.
    /// </summary>
    StationError? CheckSubmit(string kind, string parametersJson, Caller caller, IEnumerable<TaskRow> admitted) => CheckSubmit(kind, parametersJson, caller);

    Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson);
}

/// <summary>Several preparers as one: each sees every order and leaves alone the kinds that are not its own.</summary>
public sealed class OrderPreparers(params IOrderPreparer[] parts) : IOrderPreparer
{
    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller)
    {
        foreach (var part in parts)
            if (part.CheckSubmit(kind, parametersJson, caller) is { } refusal) return refusal;
        return null;
    }

    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller, IEnumerable<TaskRow> admitted)
    {
        foreach (var part in parts)
            if (part.CheckSubmit(kind, parametersJson, caller, admitted) is { } refusal) return refusal;
        return null;
    }

    public Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson)
    {
        foreach (var part in parts)
        {
            var prepared = part.Prepare(taskId, kind, target, parametersJson);
            if (!prepared.Ok) return prepared;
            parametersJson = prepared.Value!;
        }
        return parametersJson;
    }
}
