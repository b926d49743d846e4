using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>
/// The dialog that starts a task of any kind, built from the kind's contract: kinds grouped under the names people
/// use, a picker per parameter (devices from the unit's inventory, paths browsed on the unit, units from the fleet,
/// a partition editor with a live bar, switches and selects), validation as you type with the station's rules plus
/// what the unit's policy and inventory already tell (<see cref="KindPreconditions"/>), a modal that asks for the
/// name of what a destructive task destroys, and "start another like this". A refusal from the station is shown in
/// place, keeping the input.
/// </summary>
public sealed partial class TaskForm : ComponentBase, IDisposable
{
    private const string WaitField = "__wait";
    private readonly Dictionary<string, string?> _values = [];
    private readonly HashSet<string> _touched = [];
    private string _kind = "";
    private string? _wait;
    private string? _serverError;
    private bool _submitting;
    private bool _confirming;
    private bool _again;
    private long? _started;
    private StorageLayout? _layout;
    private IDisposable? _readings;
    private ManyUnitsChoice? _many;

    /// <summary>How a parameter is edited.</summary>
    private enum FieldEditor { Text, Switch, Choice, Device, DeviceSet, Path, Location, Partitions }

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private IConsoleStorage Storage { get; set; } = default!;

    [Parameter, EditorRequired] public string Target { get; set; } = "";
    [Parameter] public string? InitialKind { get; set; }

    /// <summary>Field values to start from (a selection's device, mount point…); the user can still change them.</summary>
    [Parameter] public IReadOnlyDictionary<string, string>? InitialParameters { get; set; }
    /// <summary>What is on the object a destructive task destroys; by default read from the unit's inventory.</summary>
    [Parameter] public string? DangerDetail { get; set; }

    /// <summary>A task was started and the form is done.</summary>
    [Parameter] public EventCallback<long> OnSubmitted { get; set; }
    /// <summary>A task was started and the form stays open for another like it ("start another like this").</summary>
    [Parameter] public EventCallback<long> OnStarted { get; set; }
    [Parameter] public EventCallback OnClose { get; set; }

    private TaskKindDefinition? Definition => Offered.FirstOrDefault(k => k.Kind == _kind);

    /// <summary>
    /// The kinds this user may run on the target and the target can run (what its agent announced: its kinds and tools):
    /// the others are not offered (the station refuses them anyway).
    /// </summary>
    private IReadOnlyList<TaskKindDefinition> Offered => Permitted.Where(k => Tasks.CannotRun(k.Kind, Target) is null).ToList();

    /// <summary>The kinds this user may run on the target, whether or not the unit can.</summary>
    private IReadOnlyList<TaskKindDefinition> Permitted => Tasks.Kinds
        .Where(k => !k.RunsAtStation && Tasks.MayRun(k.Kind, Target))
        .OrderBy(k => k.Kind, StringComparer.Ordinal).ToList();

    private IReadOnlyList<IGrouping<string, IKindContract>> OfferedGroups =>
        KindGroups.Of(Offered.Where(k => k.Contract is not null).Select(k => k.Contract!));

    private UnitView? Unit => Tasks.Unit(Target);

    protected override void OnInitialized()
    {
        var offered = Offered;
        _kind = InitialKind is { } initial && offered.Any(k => k.Kind == initial) ? initial
            : OfferedGroups.SelectMany(g => g).Select(k => k.Kind).FirstOrDefault() ?? offered.Select(k => k.Kind).FirstOrDefault() ?? "";
        foreach (var (name, value) in InitialParameters ?? new Dictionary<string, string>()) _values[name] = value;
        StartFromARunnableChoice();
        var latest = Storage.Latest(Target);
        if (latest.Ok && latest.Value is { } snapshot) _layout = StorageLayout.From(snapshot.Storage);
        _readings = Storage.Subscribe(Target, s => InvokeAsync(() =>
        {
            _layout = StorageLayout.From(s.Storage);
            StateHasChanged();
        }));
    }

    private static FieldEditor EditorFor(ParameterSpec spec) => spec switch
    {
        { Type: ParameterType.Boolean } => FieldEditor.Switch,
        { Type: ParameterType.String, Allowed.Count: > 0 } => FieldEditor.Choice,
        { Type: ParameterType.String, Under: "/dev" } => FieldEditor.Device,
        { Type: ParameterType.StringArray, Under: "/dev" } => FieldEditor.DeviceSet,
        { Type: ParameterType.String, IsPath: true } => FieldEditor.Path,
        { Type: ParameterType.Object, Items: { } items } when items.Any(i => i.Name == "unit") && items.Any(i => i.Name == "path") => FieldEditor.Location,
        { Type: ParameterType.ObjectArray, Items: { } items } when items.Any(i => i.Name == "sizeMiB") => FieldEditor.Partitions,
        _ => FieldEditor.Text,
    };

    /// <summary>A parameter's name as words ("bandwidthMiBps" → "bandwidth MiBps"), for labels.</summary>
    private static string Words(ParameterSpec spec) =>
        string.Concat(spec.Name.Select((c, i) => i > 0 && char.IsUpper(c) && char.IsLower(spec.Name[i - 1]) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    private static string Label(ParameterSpec spec) => $"{Words(spec)}{(spec.Required ? " *" : "")}";

    private static string Help(ParameterSpec spec) =>
        spec.Type == ParameterType.StringArray ? spec.Description + " (separate with commas)" : spec.Description;

    /// <summary>Devices to pick from: whole disks for a partition table, disks and partitions otherwise.</summary>
    private IReadOnlyList<DeviceChoice> DeviceChoices => DeviceChoice.From(_layout, partitions: _kind != TaskKinds.StoragePartition);

    private long? ChosenDiskBytes => Get("device") is { Length: > 0 } d ? _layout?.Disks.FirstOrDefault(x => x.Path == d.Trim())?.SizeBytes : null;

    /// <summary>Browsing needs the unit online and the right to list it.</summary>
    private bool CanBrowse => Unit is { Online: true } && Tasks.MayRun(TaskKinds.FsList, Target);

    private string HomeFor(ParameterSpec spec) =>
        spec.Name == "mountpoint" && Unit?.Policy is { } policy ? policy.MountRoot : Unit?.HomeRoot ?? "/";

    /// <summary>
    /// What a person types to confirm a destructive task: the device, path or name it destroys (the contract's
    /// danger subject), else "yes"; typing it is the confirmation, as consoles ask for the name of what they delete.
    /// </summary>
    private string ConfirmWord => Definition?.Contract?.DangerSubject is { } subject && Get(subject) is { Length: > 0 } value ? value.Trim() : "yes";

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>A switch shows what the unit will do: the value set, else the parameter's default (off when it has none).</summary>
    private bool SwitchOn(ParameterSpec spec) => (Get(spec.Name) ?? spec.Default) == "true";

    private void SetSwitch(string name, bool on) => Set(name, on ? "true" : "false");

    private static string EmptyChoice(ParameterSpec spec) => spec.Required ? "choose…" : "(default)";

    /// <summary>For a destructive kind, what it does to what, in plain words, from the kind's contract.</summary>
    private string? DangerText => Definition?.DangerText(Get);

    /// <summary>What is on the object now: given by the page, else read from the unit's inventory.</summary>
    private string? Detail => DangerDetail ?? (Definition?.Contract?.DangerSubject is { } subject && Get(subject) is { Length: > 0 } v ? _layout?.Contents(v.Trim()) : null);

    /// <summary>The button's words: the kind's action and what it is about ("Format /dev/loop3…"); "…" when a confirmation follows.</summary>
    private string SubmitText
    {
        get
        {
            string action = Definition?.Contract?.Action ?? "Start";
            string? subject = Definition?.Contract?.DangerSubject is { } s && Get(s) is { Length: > 0 } v ? v.Trim() : null;
            string where = _many is { } many ? $" on {many.Matching} unit{(many.Matching == 1 ? "" : "s")}" : "";
            return $"{action}{(subject is null ? "" : " " + subject)}{where}{(DangerText is null ? "" : "…")}";
        }
    }

    private IReadOnlyList<Precondition> Preconditions => Definition is null ? []
        : Tasks.Refusal(_kind, Target, Get) is { } unable ? [unable, .. KindPreconditions.Check(_kind, Get, Unit, _layout)]
        : KindPreconditions.Check(_kind, Get, Unit, _layout);

    /// <summary>A RAID's engine or a file system the unit has no tools for is replaced by one it has (the user can still change it).</summary>
    private void StartFromARunnableChoice()
    {
        if (Shared.Contracts.UnitAbilities.ToolChoice(_kind) is { } choice && Tasks.Choose(_kind, Target, Get(choice.Name)) is { } runnable)
            _values[choice.Name] = runnable;
    }

    /// <summary>Problems of the whole form, and those of fields that have no place of their own to show them.</summary>
    private IEnumerable<string> FormProblems => Preconditions
        .Where(p => p.Parameter is null || Definition?.Parameters.All(s => s.Name != p.Parameter) == true)
        .Select(p => p.Message).Distinct(StringComparer.Ordinal);

    private void KindChanged(ChangeEventArgs e)
    {
        _kind = e.Value?.ToString() ?? "";
        _serverError = null;
        _started = null;
        _touched.Clear();
        StartFromARunnableChoice();
    }

    private string? Get(string name) => _values.GetValueOrDefault(name);

    private void Set(string name, string? value)
    {
        _values[name] = value;
        _touched.Add(name);
        _serverError = null;
        _started = null;
    }

    /// <summary>A field's error: its own rule once touched, and at once what the unit's policy or inventory already refuses.</summary>
    private string? FieldError(ParameterSpec spec) =>
        (_touched.Contains(spec.Name) ? Check(spec) : null) ?? Preconditions.FirstOrDefault(p => p.Parameter == spec.Name)?.Message;

    private string? Check(ParameterSpec spec)
    {
        var raw = _values.GetValueOrDefault(spec.Name);
        if (string.IsNullOrWhiteSpace(raw)) return spec.Required ? $"{spec.Name} is required" : null;
        var node = ToNode(spec, raw);
        if (node is null)
            return spec.Type is ParameterType.Object or ParameterType.ObjectArray
                ? $"{spec.Name} must be JSON, e.g. {spec.Example}"
                : $"{spec.Name} must be a {spec.Type.ToString().ToLowerInvariant()}";
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return TaskKindDefinition.CheckValue(spec, doc.RootElement);
    }

    private string? WaitError => _touched.Contains(WaitField) && !string.IsNullOrWhiteSpace(_wait)
        && (!double.TryParse(_wait, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || w < 0 || w > 86400)
        ? "a number of seconds between 0 and 86400" : null;

    private bool IsValid => Definition is { } d && d.Parameters.All(p => Check(p) is null) && WaitError is null && Preconditions.Count == 0
        && _many?.Problem is null;

    private void ManyChanged(ManyUnitsChoice? choice) => _many = choice;

    private static JsonNode? ToNode(ParameterSpec spec, string raw) => spec.Type switch
    {
        ParameterType.Number => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : null,
        ParameterType.Boolean => bool.TryParse(raw, out var b) ? JsonValue.Create(b) : null,
        ParameterType.NumberOrWord => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(raw.Trim()),
        // A list of words is typed with commas ("a, b") or picked (devices, held as JSON).
        ParameterType.StringArray => raw.TrimStart().StartsWith('[') ? ParseJson(raw) : new JsonArray([.. DeviceList.Parse(raw).Select(s => (JsonNode?)JsonValue.Create(s))]),
        // Structured parameters (a location {unit, path}, partitions) come from their editors as JSON.
        ParameterType.Object or ParameterType.ObjectArray => ParseJson(raw),
        _ => JsonValue.Create(raw),
    };

    private static JsonNode? ParseJson(string raw)
    {
        try { return JsonNode.Parse(raw); }
        catch (JsonException) { return null; }
    }

    private async Task SubmitClicked()
    {
        if (Definition is not { } def) return;
        foreach (var p in def.Parameters) _touched.Add(p.Name);
        if (!IsValid) return;
        if (DangerText is not null) _confirming = true;
        else await SubmitAsync();
    }

    private async Task SubmitAsync()
    {
        if (Definition is not { } def || !IsValid) return;
        var parameters = new JsonObject();
        foreach (var p in def.Parameters)
            if (!string.IsNullOrWhiteSpace(_values.GetValueOrDefault(p.Name))) parameters[p.Name] = ToNode(p, _values[p.Name]!);
        double? wait = double.TryParse(_wait, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? w : null;

        _submitting = true;
        try
        {
            using var doc = JsonDocument.Parse(parameters.ToJsonString());
            var request = _many is { } many
                ? new SubmitTask(def.Kind, null, doc.RootElement.Clone(), wait, Selector: many.Selector, Rollout: many.Rollout)
                : new SubmitTask(def.Kind, Target, doc.RootElement.Clone(), wait);
            var outcome = await Tasks.SubmitAsync(request);
            _confirming = false;
            if (!outcome.Ok)
            {
                _serverError = outcome.Error!.Message;
                return;
            }
            long id = outcome.Value!.Id;
            if (_again)
            {
                _started = id;
                await OnStarted.InvokeAsync(id);
            }
            else
            {
                await OnSubmitted.InvokeAsync(id);
            }
        }
        finally
        {
            _submitting = false;
        }
    }

    public void Dispose() => _readings?.Dispose();
}
