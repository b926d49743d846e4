using System.Text.Json;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// What a task kind is, for every side that handles it without running it: its name, title, privilege, stages,
/// whether it destroys data, its parameters as forms and validation see them, and the CLR types of its
/// parameters and result. Station, agent, console and CLI all read kinds through this.
/// </summary>
public interface IKindContract
{
    string Kind { get; }
    string Title { get; }

    /// <summary>Where pickers list the kind (<see cref="KindGroups"/>).</summary>
    string Group { get; }

    /// <summary>The kind's name as people say it, for pickers, menus and buttons ("Format", "Move data").</summary>
    string Action { get; }

    /// <summary>The ACL privilege a user needs on every resource of the task, <c>Task.&lt;kind&gt;</c>.</summary>
    string Privilege { get; }

    /// <summary>The stage names, in order; a lock released "after stage n" goes when stage n is done.</summary>
    IReadOnlyList<string> Stages { get; }

    bool Destructive { get; }

    /// <summary>
    /// True for a kind that only reads (fs.list, fs.stat): besides running as a task, a unit answers it as a view
    /// read (<see cref="IAgentClient.Read"/>) — checked against a signed ticket like any order, but with no task, no
    /// lock and no history, so looking never waits behind a task that holds the path.
    /// </summary>
    bool ReadsOnly { get; }

    /// <summary>The parameter whose value names what a destructive kind destroys ("device", "path"); null when none does.</summary>
    string? DangerSubject { get; }

    /// <summary>
    /// For a destructive kind, what it does to what, in plain words ("Format /dev/sdb: erases all data on it"),
    /// shown before a user confirms; <paramref name="subject"/> is the value of <see cref="DangerSubject"/>.
    /// </summary>
    string Danger(string? subject);

    /// <summary>
    /// The warning for a task with these parameters, read one by one as typed (<paramref name="value"/>: a parameter's
    /// text or null), or null when these parameters destroy nothing (data.move as a plain copy). Forms ask for a typed
    /// confirmation exactly when this is not null.
    /// </summary>
    string? DangerOf(Func<string, string?> value);

    IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>
    /// The parameters that name a file path on the unit that runs the task: the station locks and authorises their
    /// resources, and the agent refuses an order whose path is not canonical or not named by its signed ticket.
    /// </summary>
    IReadOnlyList<Paths.PathParameter> UnitPaths { get; }

    Type ParametersType { get; }
    Type ResultType { get; }

    /// <summary>
    /// What a task of this kind is about, in a few words, for task lists and pane titles ("/dev/sdb", "/srv/a → /srv/b",
    /// "pid 4242"); null when the parameters do not fit the kind or name nothing in particular.
    /// </summary>
    string? Subject(JsonElement parameters);

    /// <summary>Machine-free validation: shapes and ranges (<see cref="ParameterRules"/>), then the kind's own rules. Null when valid.</summary>
    string? Check(JsonElement parameters);
}

/// <summary>Thrown when parameters or a result do not fit a kind's contract; the message names what is wrong.</summary>
public sealed class KindContractException(string message) : Exception(message);

/// <summary>
/// The base of every kind's contract: typed <typeparamref name="TParameters"/> and <typeparamref name="TResult"/>
/// records (JSON through <see cref="KindJson.Options"/>), read and written the same way everywhere.
/// </summary>
public abstract class KindContract<TParameters, TResult> : IKindContract
    where TParameters : class
{
    public abstract string Kind { get; }
    public abstract string Title { get; }
    public abstract string Group { get; }
    public abstract string Action { get; }
    public virtual string Privilege => "Task." + Kind;
    public abstract IReadOnlyList<string> Stages { get; }
    public abstract bool Destructive { get; }
    public virtual bool ReadsOnly => false;
    public virtual string? DangerSubject => null;
    public abstract IReadOnlyList<ParameterSpec> Parameters { get; }
    public virtual IReadOnlyList<Paths.PathParameter> UnitPaths => [];

    public string Danger(string? subject) => DangerText(string.IsNullOrWhiteSpace(subject) ? "the device" : subject.Trim());

    public virtual string? DangerOf(Func<string, string?> value) =>
        Destructive ? Danger(DangerSubject is { } subject ? value(subject) : null) : null;

    /// <summary>The danger sentence for a destructive kind; kinds say what they destroy in their own words.</summary>
    protected virtual string DangerText(string subject) => $"{Kind} on {subject}: cannot be undone";
    public Type ParametersType => typeof(TParameters);
    public Type ResultType => typeof(TResult);

    public string? Subject(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object) return null;
        try { return Subject(Deserialize(parameters), parameters); }
        catch (KindContractException) { return null; }
    }

    /// <summary>
    /// What a task is about, from its typed parameters; by default the value of <see cref="DangerSubject"/>, else of its
    /// first path parameter. Kinds with two ends or no path say it their own way.
    /// </summary>
    protected virtual string? Subject(TParameters parameters, JsonElement json)
    {
        string? name = DangerSubject ?? UnitPaths.FirstOrDefault(p => p.Chain.Length == 1)?.Name;
        return name is not null && json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>Rules that span parameters, run on well-formed parameters (e.g. only the last partition takes the rest).</summary>
    protected virtual string? Rules(TParameters parameters) => null;

    /// <summary>
    /// Fields the station adds to the order at dispatch (data.move's <c>transfer</c>): refused from a user,
    /// accepted by <see cref="ReadOrder"/> on the agent.
    /// </summary>
    protected virtual IReadOnlyCollection<string> StationFields => [];

    /// <summary>The cross-parameter rules on parameters that passed the shape checks; null when they hold.</summary>
    /// <remarks>Parameters the shape checks let through but the typed record cannot hold are refused here, in words.</remarks>
    public string? CrossRules(JsonElement wellFormed)
    {
        try { return Rules(Deserialize(wellFormed)); }
        catch (KindContractException ex) { return ex.Message; }
    }

    public string? Check(JsonElement parameters) => ParameterRules.Validate(Kind, Parameters, parameters, CrossRules);

    /// <summary>Validates and reads parameters as a user sent them; throws <see cref="KindContractException"/> naming every problem.</summary>
    public TParameters Read(JsonElement parameters)
    {
        if (Check(parameters) is { } problem) throw new KindContractException(problem);
        return Deserialize(parameters);
    }

    /// <summary>Validates and reads an order's parameters at the unit: what a user may send plus <see cref="StationFields"/>.</summary>
    public TParameters ReadOrder(JsonElement parameters)
    {
        if (ParameterRules.Validate(Kind, Parameters, parameters, CrossRules, StationFields) is { } problem) throw new KindContractException(problem);
        return Deserialize(parameters);
    }

    public TParameters ReadOrder(string json)
    {
        using var doc = ParseDocument(json, "parameters");
        return ReadOrder(doc.RootElement);
    }

    /// <summary>Reads parameters that were validated already (the station's lock plan after admission checked them).</summary>
    public TParameters ReadValidated(JsonElement parameters) => Deserialize(parameters);

    public JsonElement Write(TParameters parameters) => JsonSerializer.SerializeToElement(parameters, KindJson.Options);

    public string WriteJson(TParameters parameters) => JsonSerializer.Serialize(parameters, KindJson.Options);

    public TResult? ReadResult(JsonElement result) =>
        result.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? default : DeserializeResult(result);

    public TResult? ReadResult(string? json)
    {
        if (string.IsNullOrEmpty(json)) return default;
        using var doc = ParseDocument(json, "result");
        return ReadResult(doc.RootElement);
    }

    public string WriteResult(TResult result) => JsonSerializer.Serialize(result, KindJson.ResultOptions);

    public JsonElement WriteResultElement(TResult result) => JsonSerializer.SerializeToElement(result, KindJson.ResultOptions);

    private TParameters Deserialize(JsonElement parameters)
    {
        try
        {
            return parameters.Deserialize<TParameters>(KindJson.Options)
                ?? throw new KindContractException($"{Kind}: parameters must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw new KindContractException($"{Kind}: the parameters do not fit the kind ({ex.Message})");
        }
    }

    private TResult DeserializeResult(JsonElement result)
    {
        try
        {
            return result.Deserialize<TResult>(KindJson.ResultOptions)!;
        }
        catch (JsonException ex)
        {
            throw new KindContractException($"{Kind}: the result does not fit the kind ({ex.Message})");
        }
    }

    private JsonDocument ParseDocument(string json, string what)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException ex) { throw new KindContractException($"{Kind}: the {what} are not JSON ({ex.Message})"); }
    }
}
