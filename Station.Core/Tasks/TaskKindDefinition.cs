using System.Text.Json;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>A task kind: its parameters, the privilege it needs, its stages and its lock plan.</summary>
public sealed record TaskKindDefinition(
    string Kind,
    string Title,
    string Privilege,
    int StageCount,
    bool Destructive,
    IReadOnlyList<ParameterSpec> Parameters,
    Func<string, JsonElement, IReadOnlyList<LockRequest>> LockPlan)
{
    /// <summary>The kind's contract in Shared.Contracts, when it has one (every kind an agent runs does).</summary>
    public IKindContract? Contract { get; init; }

    /// <summary>
    /// A kind from its contract: name, title, privilege, stages, danger and parameters come from the contract;
    /// the station adds the lock plan and the checks that need the target, both on the typed parameters.
    /// </summary>
    public static TaskKindDefinition From<TParameters, TResult>(KindContract<TParameters, TResult> contract,
        Func<string, TParameters, IReadOnlyList<LockRequest>> lockPlan, Func<string, TParameters, string?>? checkTarget = null)
        where TParameters : class
        => new(contract.Kind, contract.Title, contract.Privilege, contract.Stages.Count, contract.Destructive, contract.Parameters,
            (unit, p) => lockPlan(unit, contract.ReadValidated(p)))
        {
            Contract = contract,
            Rules = contract.CrossRules,
            CheckTarget = checkTarget is null ? null : (target, p) => checkTarget(target, contract.ReadValidated(p)),
        };

    /// <summary>Run by the station itself (administration), not by an agent; the target is always "station".</summary>
    public bool RunsAtStation { get; init; }

    /// <summary>Checks that span parameters (only the last partition may take the rest); run once each parameter is well-formed.</summary>
    public Func<JsonElement, string?>? Rules { get; init; }

    /// <summary>Checks that need the target as well as the parameters (e.g. data.move runs on its destination); returns a message or null.</summary>
    public Func<string, JsonElement, string?>? CheckTarget { get; init; }

    /// <summary>
    /// Validates the parameters, puts their paths in canonical form (<paramref name="canonical"/>), then runs the
    /// target-dependent checks on that form.
    /// </summary>
    public string? Validate(JsonElement parameters, string target, out JsonElement canonical)
    {
        canonical = parameters;
        if (Validate(parameters) is { } problem) return problem;
        canonical = ParameterPaths.Canonicalize(Parameters, parameters);
        return CheckTarget?.Invoke(target, canonical);
    }

    /// <summary>Checks parameters against the spec; returns a message naming every problem, or null.</summary>
    public string? Validate(JsonElement parameters) => ParameterRules.Validate(Kind, Parameters, parameters, Rules);

    public static string? CheckValue(ParameterSpec spec, JsonElement value) => ParameterRules.CheckValue(spec, value);

    /// <summary>
    /// For a destructive kind, the contract's plain-words warning about the value <paramref name="value"/> gives for
    /// its subject parameter; null for a kind that destroys nothing.
    /// </summary>
    public string? DangerText(Func<string, string?> value) => !Destructive ? null
        : Contract is { } c ? c.DangerOf(value)
        : $"{Kind}: cannot be undone";

    public string Describe() => ParameterRules.Describe(Parameters);
}
