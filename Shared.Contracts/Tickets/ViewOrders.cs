using System.Text.Json;

namespace Ccdsvm.Shared.Contracts.Tickets;

/// <summary>
/// The views an upper station asks of a mid station's uplink for a unit below it (README, "Layered stations"):
/// <see cref="IAgentClient.GetStorageOf"/>, <see cref="IAgentClient.GetProcessesOf"/>, <see cref="IAgentClient.GetThreadsOf"/>
/// and <see cref="IAgentClient.WatchMetricsOf"/>. Each is an order (task id 0) whose ticket the upper station signs (user,
/// unit, view, parameters, expiry, nonce) and the mid station checks against the key it pinned before its ACL decides
/// for that user. These names are the order's and ticket's kind; they are views, not task kinds.
/// </summary>
public static class ViewOrders
{
    public const string Storage = "view.storage";
    public const string Processes = "view.processes";
    public const string Threads = "view.threads";
    public const string Metrics = "view.metrics";

    /// <summary>The parameters of a view order, as JSON (what the ticket's hash binds): the process of a thread list, whether a watch starts.</summary>
    public static string ParametersJson(int? pid = null, bool? on = null) => JsonSerializer.Serialize(new ViewParameters(pid, on), Options);

    /// <summary>The parameters of a view order; empty ones when they are not JSON of that shape (the ticket's hash has already bound them).</summary>
    public static ViewParameters Parameters(string? json)
    {
        if (string.IsNullOrEmpty(json)) return new ViewParameters(null, null);
        try { return JsonSerializer.Deserialize<ViewParameters>(json, Options) ?? new ViewParameters(null, null); }
        catch (JsonException) { return new ViewParameters(null, null); }
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}

/// <summary>What a view order asks beyond its unit: the process (threads) or on/off (a metrics watch).</summary>
public sealed record ViewParameters(int? Pid, bool? On);
