using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>
/// A form for any task kind, generated from the kind's parameter specs: fields validate as you type with
/// the same rules the station applies, and a refusal from the station is shown in place, keeping the input.
/// </summary>
public sealed partial class TaskForm : ComponentBase
{
    private const string WaitField = "__wait";
    private readonly Dictionary<string, string?> _values = [];
    private readonly HashSet<string> _touched = [];
    private string _kind = "";
    private string? _wait;
    private string? _serverError;
    private string? _confirm;
    private bool _submitting;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;

    [Parameter, EditorRequired] public string Target { get; set; } = "";
    [Parameter] public string? InitialKind { get; set; }

    /// <summary>Field values to start from (a selection's device, mount point…); the user can still change them.</summary>
    [Parameter] public IReadOnlyDictionary<string, string>? InitialParameters { get; set; }
    /// <summary>What is on the object a destructive task destroys (its size, file systems, mounts), shown beside the warning.</summary>
    [Parameter] public string? DangerDetail { get; set; }

    [Parameter] public EventCallback<long> OnSubmitted { get; set; }
    [Parameter] public EventCallback OnClose { get; set; }

    private TaskKindDefinition? Definition => Offered.FirstOrDefault(k => k.Kind == _kind);

    /// <summary>The kinds this user may run on the target: the others are not offered (the station refuses them anyway).</summary>
    private IReadOnlyList<TaskKindDefinition> Offered => Tasks.Kinds
        .Where(k => !k.RunsAtStation && Tasks.MayRun(k.Kind, Target))
        .OrderBy(k => k.Kind, StringComparer.Ordinal).ToList();

    protected override void OnInitialized()
    {
        var offered = Offered;
        _kind = InitialKind is { } initial && offered.Any(k => k.Kind == initial) ? initial : offered.Select(k => k.Kind).FirstOrDefault() ?? "";
        foreach (var (name, value) in InitialParameters ?? new Dictionary<string, string>()) _values[name] = value;
    }

    /// <summary>
    /// What a person types to start a destructive task: the device, path or name it destroys (the contract's danger
    /// subject), else "yes"; typing it is the confirmation, as consoles ask for the name of what they delete.
    /// </summary>
    private string ConfirmWord => Definition?.Contract?.DangerSubject is { } subject && Get(subject) is { Length: > 0 } value ? value.Trim() : "yes";

    private bool Confirmed => DangerText is null || string.Equals(_confirm?.Trim(), ConfirmWord, StringComparison.Ordinal);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>A switch shows what the unit will do: the value set, else the parameter's default (off when it has none).</summary>
    private bool SwitchOn(ParameterSpec spec) => (Get(spec.Name) ?? spec.Default) == "true";

    private void SetSwitch(string name, bool on) => Set(name, on ? "true" : "false");

    private static string EmptyChoice(ParameterSpec spec) => spec.Required ? "choose…" : "(default)";

    /// <summary>For a destructive kind, what it does to what, in plain words, from the kind's contract.</summary>
    private string? DangerText => Definition?.DangerText(Get);

    private void KindChanged(ChangeEventArgs e)
    {
        _kind = e.Value?.ToString() ?? "";
        _serverError = null;
        _confirm = null;
        _touched.Clear();
    }

    private string? Get(string name) => _values.GetValueOrDefault(name);

    private void Set(string name, string? value)
    {
        _values[name] = value;
        _touched.Add(name);
        _serverError = null;
    }

    private string? FieldError(ParameterSpec spec) => _touched.Contains(spec.Name) ? Check(spec) : null;

    private string? Check(ParameterSpec spec)
    {
        var raw = _values.GetValueOrDefault(spec.Name);
        if (string.IsNullOrWhiteSpace(raw)) return spec.Required ? $"{spec.Name} is required" : null;
        var node = ToNode(spec, raw);
        if (node is null)
            return spec.Type is ParameterType.Object or ParameterType.ObjectArray or ParameterType.StringArray
                ? $"{spec.Name} must be JSON, e.g. {spec.Example}"
                : $"{spec.Name} must be a {spec.Type.ToString().ToLowerInvariant()}";
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return TaskKindDefinition.CheckValue(spec, doc.RootElement);
    }

    private string? WaitError => _touched.Contains(WaitField) && !string.IsNullOrWhiteSpace(_wait)
        && (!double.TryParse(_wait, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || w < 0 || w > 86400)
        ? "a number of seconds between 0 and 86400" : null;

    private bool IsValid => Definition is { } d && d.Parameters.All(p => Check(p) is null) && WaitError is null && Confirmed;

    private static JsonNode? ToNode(ParameterSpec spec, string raw) => spec.Type switch
    {
        ParameterType.Number => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : null,
        ParameterType.Boolean => bool.TryParse(raw, out var b) ? JsonValue.Create(b) : null,
        ParameterType.NumberOrWord => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(raw.Trim()),
        // Structured parameters (a source {unit, path}, a list of partitions) are typed as JSON in the field.
        ParameterType.Object or ParameterType.ObjectArray or ParameterType.StringArray => ParseJson(raw),
        _ => JsonValue.Create(raw),
    };

    private static JsonNode? ParseJson(string raw)
    {
        try { return JsonNode.Parse(raw); }
        catch (JsonException) { return null; }
    }

    private async Task SubmitAsync()
    {
        if (Definition is not { } def) return;
        foreach (var p in def.Parameters) _touched.Add(p.Name);
        if (!IsValid) return;
        var parameters = new JsonObject();
        foreach (var p in def.Parameters)
            if (!string.IsNullOrWhiteSpace(_values.GetValueOrDefault(p.Name))) parameters[p.Name] = ToNode(p, _values[p.Name]!);
        double? wait = double.TryParse(_wait, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? w : null;

        _submitting = true;
        try
        {
            using var doc = JsonDocument.Parse(parameters.ToJsonString());
            var outcome = await Tasks.SubmitAsync(new SubmitTask(def.Kind, Target, doc.RootElement.Clone(), wait));
            if (outcome.Ok) await OnSubmitted.InvokeAsync(outcome.Value!.Id);
            else _serverError = outcome.Error!.Message;
        }
        finally
        {
            _submitting = false;
        }
    }
}
