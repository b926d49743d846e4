namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <see cref="NumberOrWord"/> takes a number or one of <see cref="ParameterSpec.Allowed"/> (a size or "rest");
/// <see cref="ObjectArray"/> items and an <see cref="Object"/> are checked against <see cref="ParameterSpec.Items"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "the members name JSON value types, as forms and the kinds listing show them")]
public enum ParameterType { String, Number, Boolean, StringArray, ObjectArray, NumberOrWord, Object }

/// <summary>
/// One parameter of a task kind: what forms render and what validation checks. <paramref name="Allowed"/>
/// limits strings to a set; for arrays <paramref name="Min"/> and <paramref name="Max"/> count items; for
/// strings <paramref name="Max"/> is the longest length (default 4096) and <paramref name="AllowEmpty"/>
/// accepts "" (file content, say), which a name or a path never is. <paramref name="IsPath"/> marks a file path on
/// a unit: it must have a canonical form (<see cref="UnitPath"/>), and admission replaces it by that form before
/// anything is authorised, locked, stored or signed; <paramref name="Under"/> requires it below that directory (/dev for devices).
/// <paramref name="Whole"/> makes a number a whole one (a pid, a nice value), as its typed record reads it.
/// <paramref name="Default"/> is what the unit assumes when the parameter is left out, as forms show it (a switch that is on).
/// </summary>
public sealed record ParameterSpec(string Name, ParameterType Type, bool Required, string Description, double? Min = null, double? Max = null, string? Example = null,
    IReadOnlyList<string>? Allowed = null, IReadOnlyList<ParameterSpec>? Items = null, bool AllowEmpty = false, bool IsPath = false, string? Under = null, bool Whole = false,
    string? Default = null);
