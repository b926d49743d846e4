using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Refuses <c>storage.mount</c> options that raise privileges (suid, dev, …) at admission with 400, unless
/// <c>Station:AllowMountOptions</c> names them; the unit checks again against its own <c>Agent:AllowMountOptions</c>.
/// </summary>
public sealed class MountPolicy(IOptions<StationOptions> options) : IOrderPreparer
{
    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller)
    {
        if (kind != TaskKinds.StorageMount) return null;
        using var doc = JsonDocument.Parse(parametersJson);
        if (StorageMount.Contract.ReadValidated(doc.RootElement).Options is not { } asked) return null;
        return MountOptionRules.Problem(asked, options.Value.AllowMountOptions, "Station:AllowMountOptions") is { } problem
            ? StationError.BadRequest(problem)
            : null;
    }

    public Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson) => parametersJson;
}
