using System.Text.Json;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// The one answer to "can this unit run this kind, and if not why", from what its agent announced
/// (<see cref="UnitCapabilities"/>, judged by <see cref="UnitAbilities"/>): the station refuses with it before admission
/// (<see cref="SubmissionCheck"/>) and the console offers only what it allows. Kinds the station runs itself (at the
/// station, or a browser transfer on a unit's behalf) need nothing of the unit's agent; a unit that announced no
/// capabilities (an older agent) is not second-guessed.
/// </summary>
public static class KindAbility
{
    /// <summary>Why the unit cannot run the kind with these (validated) parameters; null when it can.</summary>
    public static string? Refusal(TaskKindDefinition definition, string unit, JsonElement parameters, UnitCapabilities? capabilities) =>
        NeedsTheAgent(definition) ? UnitAbilities.Refusal(unit, definition.Kind, parameters, capabilities) : null;

    /// <summary>Why the unit cannot run the kind however its parameters are chosen; null when it can some way (what a form offers).</summary>
    public static string? Refusal(TaskKindDefinition definition, string unit, UnitCapabilities? capabilities) =>
        NeedsTheAgent(definition) ? UnitAbilities.Refusal(unit, definition.Kind, capabilities) : null;

    private static bool NeedsTheAgent(TaskKindDefinition definition) => !definition.RunsAtStation && !BrowserTransferKinds.Is(definition.Kind);
}
