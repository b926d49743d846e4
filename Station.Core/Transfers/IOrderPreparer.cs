namespace Ccdsvm.Station.Core.Transfers;

/// <summary>Completes an order's parameters at dispatch (e.g. a transfer ticket); returns the JSON to send or a refusal.</summary>
public interface IOrderPreparer
{
    Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson);
}
