using System.Globalization;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Spectre.Console;

namespace Ccdsvm.Console.Cli;

/// <summary>
/// Follows tasks until each has ended: one progress bar per task on a terminal (percent, stage, elapsed), plain
/// timestamped lines otherwise. Reads the task views from the station's REST API.
/// </summary>
public sealed class TaskFollower(Invocation inv, StationClient client)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(400);

    public static bool IsEnded(JsonElement task) =>
        Output.Text(task, "state") is TaskStateNames.Succeeded or TaskStateNames.Failed or TaskStateNames.Cancelled or TaskStateNames.Interrupted;

    /// <summary>Exit code for tasks that ended: 0 when all succeeded, 1 when any failed, was cancelled or interrupted.</summary>
    public static int ExitCodeOf(IEnumerable<JsonElement> tasks) =>
        tasks.All(t => Output.Text(t, "state") == TaskStateNames.Succeeded) ? ExitCodes.Success : ExitCodes.TaskFailed;

    /// <summary>The tasks as they ended, in the order given; <paramref name="current"/> holds the last view of each as it goes.</summary>
    public async Task<IReadOnlyList<JsonElement>> FollowAsync(IReadOnlyList<long> ids, Dictionary<long, JsonElement> current, bool showProgress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(current);
        if (showProgress && inv.LiveProgress) await BarsAsync(ids, current, ct).ConfigureAwait(false);
        else await LinesAsync(ids, current, showProgress && !inv.Quiet, ct).ConfigureAwait(false);
        return [.. ids.Select(id => current[id])];
    }

    private async Task RefreshAsync(IReadOnlyList<long> ids, Dictionary<long, JsonElement> current, CancellationToken ct)
    {
        var pending = ids.Where(id => !current.TryGetValue(id, out var t) || !IsEnded(t)).ToList();
        var views = await Task.WhenAll(pending.Select(id => client.GetAsync("api/v1/tasks/" + id.ToString(CultureInfo.InvariantCulture), ct))).ConfigureAwait(false);
        for (int i = 0; i < pending.Count; i++) current[pending[i]] = views[i];
    }

    private async Task LinesAsync(IReadOnlyList<long> ids, Dictionary<long, JsonElement> current, bool print, CancellationToken ct)
    {
        var said = new Dictionary<long, string>();
        while (true)
        {
            await RefreshAsync(ids, current, ct).ConfigureAwait(false);
            foreach (var id in ids)
            {
                string line = Line(current[id]);
                if (said.TryGetValue(id, out var last) && last == line) continue;
                said[id] = line;
                if (print) await System.Console.Error.WriteLineAsync($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {line}").ConfigureAwait(false);
            }
            if (ids.All(id => IsEnded(current[id]))) return;
            await Task.Delay(Interval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>"task 12 fs.mkdir on station: running creating 40%" (the percent in steps of 10, so lines stay few).</summary>
    public static string Line(JsonElement t)
    {
        string state = Output.Text(t, "state");
        string stage = Output.Text(t, "stage");
        double progress = t.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0;
        string tail = IsEnded(t)
            ? (Output.Text(t, "error") is { Length: > 0 } error ? ": " + error : "")
            : $"{(stage.Length > 0 ? " " + stage : "")} {Math.Floor(progress * 10) * 10:0}%";
        return $"task {Output.Text(t, "id")} {Output.Text(t, "kind")} on {Output.Text(t, "target")}: {state}{tail}";
    }

    private async Task BarsAsync(IReadOnlyList<long> ids, Dictionary<long, JsonElement> current, CancellationToken ct)
    {
        await inv.Out.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bars = ids.ToDictionary(id => id, id => ctx.AddTask($"task {id}", maxValue: 100));
                while (true)
                {
                    await RefreshAsync(ids, current, ct).ConfigureAwait(false);
                    foreach (var id in ids)
                    {
                        var t = current[id];
                        var bar = bars[id];
                        double progress = t.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0;
                        bar.Value = Math.Clamp(progress * 100, 0, 100);
                        string stage = Output.Text(t, "stage");
                        bar.Description = Markup.Escape($"{id} {Output.Text(t, "kind")} {Output.Text(t, "target")} {Output.Text(t, "state")}{(stage.Length > 0 ? " · " + stage : "")}");
                        if (IsEnded(t) && !bar.IsFinished)
                        {
                            if (Output.Text(t, "state") == TaskStateNames.Succeeded) bar.Value = 100;
                            bar.StopTask();
                        }
                    }
                    if (ids.All(id => IsEnded(current[id]))) return;
                    await Task.Delay(Interval, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
    }
}
