using System.Threading.Channels;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Spectre.Console;

namespace Ccdsvm.Console.Cli;

/// <summary>
/// Follows tasks until each has ended: one progress bar per task on a terminal (percent, stage, elapsed), plain
/// timestamped lines otherwise. The changes are pushed by the station's task hub (<see cref="TaskFeed"/>), not polled.
/// </summary>
public sealed class TaskFollower(Invocation inv, StationClient client)
{
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
        var (feed, now) = await TaskFeed.OpenAsync(client, ids, ct).ConfigureAwait(false);
        await using (feed.ConfigureAwait(false))
        {
            foreach (var view in now) Apply(current, view);
            if (showProgress && inv.LiveProgress) await BarsAsync(feed, ids, current, ct).ConfigureAwait(false);
            else await LinesAsync(feed, ids, current, showProgress && !inv.Quiet, ct).ConfigureAwait(false);
        }
        return [.. ids.Select(id => current[id])];
    }

    /// <summary>Takes a pushed view; an ended view is final (a change pushed before it may arrive after the catch-up).</summary>
    private static void Apply(Dictionary<long, JsonElement> current, JsonElement view)
    {
        long id = view.GetProperty("id").GetInt64();
        if (current.TryGetValue(id, out var known) && IsEnded(known)) return;
        current[id] = view;
    }

    /// <summary>Waits for the next pushed change and takes it with every other one already there.</summary>
    private static async Task NextAsync(TaskFeed feed, IReadOnlyList<long> ids, Dictionary<long, JsonElement> current, CancellationToken ct)
    {
        try
        {
            if (!await feed.Updates.WaitToReadAsync(ct).ConfigureAwait(false))
                throw new CliException(ExitCodes.Unreachable, "the station's task hub closed the connection");
        }
        catch (ChannelClosedException ex) when (ex.InnerException is CliException lost)
        {
            throw new CliException(lost.ExitCode, lost.Message, ex);
        }
        while (feed.Updates.TryRead(out var view))
            if (view.TryGetProperty("id", out var id) && ids.Contains(id.GetInt64())) Apply(current, view);
    }

    private static async Task LinesAsync(TaskFeed feed, IReadOnlyList<long> ids, Dictionary<long, JsonElement> current, bool print, CancellationToken ct)
    {
        var said = new Dictionary<long, string>();
        while (true)
        {
            while (feed.Missed.TryRead(out var missed))
                if (print) await System.Console.Error.WriteLineAsync(missed).ConfigureAwait(false);
            foreach (var id in ids)
            {
                string line = Line(current[id]);
                if (said.TryGetValue(id, out var last) && last == line) continue;
                said[id] = line;
                if (print) await System.Console.Error.WriteLineAsync($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {line}").ConfigureAwait(false);
            }
            if (ids.All(id => IsEnded(current[id]))) return;
            await NextAsync(feed, ids, current, ct).ConfigureAwait(false);
        }
    }

    private const int BarWidth = 20;

    private static string Fit(string text, int room) => text.Length <= room ? text : text[..(room - 1)] + "…";

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

    private async Task BarsAsync(TaskFeed feed, IReadOnlyList<long> ids, Dictionary<long, JsonElement> current, CancellationToken ct)
    {
        await inv.Out.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = BarWidth }, new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bars = ids.ToDictionary(id => id, id => ctx.AddTask($"task {id}", maxValue: 100));
                // The bar, percent, elapsed time and spinner keep their room; the description is cut to what is left.
                int room = Math.Max(20, inv.Out.Profile.Width - BarWidth - 22);
                while (true)
                {
                    foreach (var id in ids)
                    {
                        var t = current[id];
                        var bar = bars[id];
                        double progress = t.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0;
                        bar.Value = Math.Clamp(progress * 100, 0, 100);
                        string stage = Output.Text(t, "stage");
                        bar.Description = Markup.Escape(Fit($"{id} {Output.Text(t, "target")} {Output.Text(t, "state")} {Output.Text(t, "kind")}{(stage.Length > 0 ? " · " + stage : "")}", room));
                        if (IsEnded(t) && !bar.IsFinished)
                        {
                            if (Output.Text(t, "state") == TaskStateNames.Succeeded) bar.Value = 100;
                            bar.StopTask();
                        }
                    }
                    if (ids.All(id => IsEnded(current[id]))) return;
                    await NextAsync(feed, ids, current, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
    }
}
