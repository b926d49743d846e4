using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>
/// <c>metrics UNIT --live</c>: the unit's full-rate samples from the station's server-sent events
/// (/api/v1/units/{id}/metrics/live). On a terminal a table refreshed in place with sparklines of the last readings;
/// otherwise one timestamped line per reading (-o json: the sample as the station sent it, one per line).
/// </summary>
public static class MetricsLive
{
    /// <summary>How many readings a sparkline shows.</summary>
    public const int History = 40;

    private const string Bars = "▁▂▃▄▅▆▇█";

    /// <param name="Percent">a share from 0 to 100, drawn on that fixed scale; other figures are drawn between the lowest and highest reading shown.</param>
    private sealed record Figure(string Name, Func<JsonElement, double> Value, Func<JsonElement, double, string> Show, bool Percent = false);

    private static readonly Figure[] Figures =
    [
        new("cpu", s => N(s.GetProperty("cpu"), "busyPercent"), (_, v) => ByteSize.Percent(v), Percent: true),
        new("memory", s => N(s.GetProperty("memory"), "usedBytes"), (s, v) => $"{ByteSize.Format(v)} of {ByteSize.Format(N(s.GetProperty("memory"), "totalBytes"))}"),
        new("load", s => N(s, "load1"), (s, v) => string.Create(CultureInfo.InvariantCulture, $"{v:0.00} {N(s, "load5"):0.00} {N(s, "load15"):0.00}")),
        new("network in", s => N(s.GetProperty("totals"), "netRxBytesPerSec"), (_, v) => ByteSize.Rate(v)),
        new("network out", s => N(s.GetProperty("totals"), "netTxBytesPerSec"), (_, v) => ByteSize.Rate(v)),
        new("disk read", s => N(s.GetProperty("totals"), "diskReadBytesPerSec"), (_, v) => ByteSize.Rate(v)),
        new("disk write", s => N(s.GetProperty("totals"), "diskWriteBytesPerSec"), (_, v) => ByteSize.Rate(v)),
        new("processes", s => N(s, "processCount"), (s, v) => string.Create(CultureInfo.InvariantCulture, $"{v:0} ({N(s, "threadCount"):0} threads)")),
    ];

    /// <summary>Follows until Ctrl-C (exit 130, the terminal left clean) or <paramref name="count"/> readings (exit 0).</summary>
    public static async Task<int> FollowAsync(Invocation inv, StationClient client, string unit, int? count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inv);
        ArgumentNullException.ThrowIfNull(client);
        // The unit is checked first, so a typo is exit 4 with the nearest names rather than a refused stream.
        await ListCommands.GetUnitAsync(client, unit, ct).ConfigureAwait(false);
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/units/{Uri.EscapeDataString(unit)}/metrics/live");
        request.Headers.Accept.ParseAdd("text/event-stream");
        try
        {
            using var response = await client.TransferAsync(request, ct).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var samples = SamplesAsync(stream, count, ct);
            if (inv.Interactive && inv.Format == OutputFormat.Table && !inv.Quiet) await LiveTableAsync(inv, unit, samples).ConfigureAwait(false);
            else await LinesAsync(inv, samples).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Success;
    }

    /// <summary>The "sample" events of the stream, at most <paramref name="count"/>; the stream ending early is exit 6.</summary>
    private static async IAsyncEnumerable<(string Raw, JsonElement Sample)> SamplesAsync(Stream stream, int? count, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
        string type = "message";
        int seen = 0;
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(data.Length > 0 ? "\n" : "").Append(line.AsSpan(5).TrimStart(' '));
                else if (line.StartsWith("event:", StringComparison.Ordinal)) type = line[6..].Trim();
                continue;
            }
            string raw = data.ToString();
            bool isSample = type == "sample" && raw.Length > 0;
            data.Clear();
            type = "message";
            if (!isSample) continue;
            JsonElement sample;
            try
            {
                using var doc = JsonDocument.Parse(raw);
                sample = doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new CliException(ExitCodes.Unreachable, $"the station sent a reading that is not JSON ({ex.Message})");
            }
            yield return (raw, sample);
            if (count is { } n && ++seen >= n) yield break;
        }
        ct.ThrowIfCancellationRequested();
        throw new CliException(ExitCodes.Unreachable, "the station ended the live readings (did it stop, or the unit go offline?)");
    }

    private static async Task LinesAsync(Invocation inv, IAsyncEnumerable<(string Raw, JsonElement Sample)> samples)
    {
        await foreach (var (raw, sample) in samples.ConfigureAwait(false))
        {
            string line = inv.Format switch
            {
                OutputFormat.Json => raw,
                OutputFormat.Yaml => "---\n" + Output.Yaml(sample).TrimEnd('\n'),
                _ => At(sample) + " " + string.Join("  ", Figures.Select(f => $"{f.Name} {f.Show(sample, f.Value(sample))}")),
            };
            await System.Console.Out.WriteLineAsync(line).ConfigureAwait(false);
            await System.Console.Out.FlushAsync().ConfigureAwait(false);
        }
    }

    private static async Task LiveTableAsync(Invocation inv, string unit, IAsyncEnumerable<(string Raw, JsonElement Sample)> samples)
    {
        var history = Figures.ToDictionary(f => f.Name, _ => new Queue<double>());
        var table = Table(unit, null, history);
        await inv.Out.Live(table).AutoClear(false).StartAsync(async ctx =>
        {
            await foreach (var (_, sample) in samples.ConfigureAwait(false))
            {
                foreach (var f in Figures)
                {
                    var q = history[f.Name];
                    q.Enqueue(f.Value(sample));
                    while (q.Count > History) q.Dequeue();
                }
                ctx.UpdateTarget(Table(unit, sample, history));
            }
        }).ConfigureAwait(false);
    }

    private static Table Table(string unit, JsonElement? sample, Dictionary<string, Queue<double>> history)
    {
        var table = new Table { Border = TableBorder.Rounded }
            .Title(Markup.Escape($"{unit} · {(sample is { } s ? At(s) : "waiting for the first reading…")} · Ctrl-C to stop"));
        table.AddColumn(new TableColumn("FIGURE").NoWrap()).AddColumn(new TableColumn("NOW").NoWrap()).AddColumn(new TableColumn($"LAST {History}").NoWrap());
        foreach (var f in Figures)
            table.AddRow(new Text(f.Name), new Text(sample is { } x ? f.Show(x, f.Value(x)) : ""), new Text(Sparkline(history[f.Name], f.Percent), new Style(Color.Green)));
        return table;
    }

    /// <summary>One block character per reading: a percent on 0–100, anything else between its lowest and highest reading (all lowest when flat).</summary>
    public static string Sparkline(IEnumerable<double> values, bool percent)
    {
        var list = values?.ToList() ?? [];
        if (list.Count == 0) return "";
        double low = percent ? 0 : list.Min(), high = percent ? 100 : list.Max();
        list = [.. list.Select(v => Math.Clamp(v, low, high))];
        if (high <= low) return new string(Bars[0], list.Count);
        return new string([.. list.Select(v => Bars[(int)Math.Round((v - low) / (high - low) * (Bars.Length - 1))])]);
    }

    private static string At(JsonElement sample) =>
        sample.TryGetProperty("at", out var at) && at.TryGetDateTimeOffset(out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
            : DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static double N(JsonElement element, string property) => MonitoringCommands.Number(element, property);
}
