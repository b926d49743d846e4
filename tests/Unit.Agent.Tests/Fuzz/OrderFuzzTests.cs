using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Paths;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Execution;
using CsCheck;
using Xunit.Abstractions;

namespace Ccdsvm.Unit.Agent.Tests.Fuzz;

/// <summary>
/// Issue 16.3, the other direction: hostile orders into the agent. Every order goes the way a dispatch from the
/// station goes (the <see cref="Security.OrderGuard"/> first, then the <see cref="TaskRunner"/> with the real
/// executors), with a ticket that is genuine or wrong in one way (forged, expired, from the future, for another unit,
/// task or kind, over other parameters, replayed, garbage, missing) and parameters that are hostile (paths with '..',
/// through links out of the root and a link swapped while the order runs, huge strings, shell metacharacters, wrong
/// types, JSON that is not JSON or nested past any limit). Each order must be refused with a message, or run and end
/// with a result or a failure that says why; a wrong ticket is always refused; the guard never throws (the station
/// would never hear of the order); and nothing outside the root changes: not the sentinel tree, its modes and
/// owners, the fstab, the mounts, nor a file a shell injection would leave.
/// <para>
/// Seeds as in the station fuzz: CsCheck prints <c>Set seed: "…"</c> for the smallest failing case; run again with
/// <c>CCDSVM_FUZZ_SEED=…</c>. <c>CCDSVM_FUZZ_CASES</c> scales the run (here a quarter of it: 2,500 orders by default).
/// </para>
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OrderFuzzTests(ITestOutputHelper output)
{
    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("CCDSVM_FUZZ_CASES"), CultureInfo.InvariantCulture, out int n) && n > 0 ? Math.Max(100, n / 4) : 2_500;

    private static string? Seed => Environment.GetEnvironmentVariable("CCDSVM_FUZZ_SEED") is { Length: > 0 } s ? s : null;

    private long _nextTask = 1_000;
    private readonly ConcurrentQueue<TaskOrder> _accepted = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new();

    [Fact]
    public async Task Hostile_orders_are_refused_with_a_message_or_run_inside_the_roots_and_nothing_outside_changes()
    {
        await using var agent = await AgentUnderFuzz.StartAsync();
        string before = agent.Snapshot();
        var failures = new ConcurrentBag<string>();
        try
        {
            await Check.SampleAsync(HostileOrders.Cases(agent), async c =>
            {
                if (await JudgeAsync(agent, c, before) is { } why)
                {
                    failures.Add($"{why}\n    case: {c}");
                    throw new InvalidOperationException(why);
                }
            }, seed: Seed, iter: Cases, threads: 2, print: c => c.ToString(), writeLine: output.WriteLine);
        }
        finally
        {
            foreach (var (outcome, count) in _outcomes.OrderByDescending(o => o.Value)) output.WriteLine($"{count,6} {outcome}");
            foreach (var f in failures.Take(5)) output.WriteLine("FAILED: " + f);
        }
        Assert.Equal(before, agent.Snapshot());
        // The fuzz reached the executors, not only the guard: some orders ran, some ran and failed, many were refused.
        Assert.True(_outcomes.Keys.Any(k => k.StartsWith("succeeded", StringComparison.Ordinal)), "no order ran to success: the fuzz never got past the guard");
        Assert.True(_outcomes.Keys.Any(k => k.StartsWith("refused", StringComparison.Ordinal)), "no order was refused");
    }

    private async Task<string?> JudgeAsync(AgentUnderFuzz agent, OrderCase c, string before)
    {
        agent.Replenish();
        var order = Order(agent, c);
        if (order is null) return null;
        string? refusal;
        try { refusal = agent.Guard.Refusal(order); }
        catch (Exception ex) { return $"the guard threw {ex.GetType().Name} ({ex.Message}): the order would get no answer at all"; }

        string? why = null;
        if (refusal is not null)
        {
            Count("refused " + Reason(refusal));
            if (!refusal.StartsWith("refused by the unit: ", StringComparison.Ordinal) || refusal.Length < 30)
                why = $"a refusal without a reason a person can act on: '{refusal}'";
        }
        else if (c.MustBeRefused)
        {
            why = $"an order with a {c.Ticket} ticket was accepted";
        }
        else
        {
            _accepted.Enqueue(order);
            why = await RunAsync(agent, order);
        }
        return why ?? (agent.Snapshot() is var after && after != before ? $"something outside the root changed:\n{Diff(before, after)}" : null);
    }

    private async Task<string?> RunAsync(AgentUnderFuzz agent, TaskOrder order)
    {
        var reporter = new RecordingReporter();
        agent.Runner.Start(order, reporter);
        TaskResult result;
        try { result = await reporter.Result.WaitAsync(TimeSpan.FromSeconds(60)); }
        catch (TimeoutException)
        {
            agent.Runner.Cancel(order.TaskId);
            return "the order neither ended nor failed within 60 s";
        }
        Count($"{result.Outcome.ToString().ToLowerInvariant()} {order.Kind}" + (result.Outcome == TaskOutcome.Failed ? $" ({result.ErrorKind})" : ""));
        if (result.Outcome == TaskOutcome.Succeeded) return null;
        if (result.Outcome != TaskOutcome.Failed) return $"the order ended {result.Outcome}: {result.Error}";
        if (string.IsNullOrWhiteSpace(result.Error)) return "the order failed without saying why";
        if (result.Error.Contains("failed unexpectedly", StringComparison.Ordinal)) return $"an executor crashed: {result.Error}";
        return null;
    }

    /// <summary>The order as the station would send it, with its ticket made as the case says; null when the case cannot be made (nothing yet to replay).</summary>
    private TaskOrder? Order(AgentUnderFuzz agent, OrderCase c)
    {
        if (c.Ticket == TicketMaking.Replayed) return _accepted.TryPeek(out var earlier) ? earlier : null;
        long id = Interlocked.Increment(ref _nextTask);
        var now = DateTimeOffset.UtcNow;
        string signedParameters = c.ParametersJson ?? "{}";
        var ticket = new TaskTicket("alice", ["ops"], id, c.Kind, AgentUnderFuzz.Unit, Resources(c), now, now.AddMinutes(5),
            Guid.NewGuid().ToString("N"), TaskTicket.HashParameters(signedParameters));
        ticket = c.Ticket switch
        {
            TicketMaking.Expired => ticket with { IssuedAt = now.AddHours(-1), ExpiresAt = now - ClockTolerance.Max - TimeSpan.FromMinutes(1) },
            TicketMaking.FromTheFuture => ticket with { IssuedAt = now + ClockTolerance.Max + TimeSpan.FromMinutes(5), ExpiresAt = now.AddHours(1) },
            TicketMaking.OtherUnit => ticket with { Target = "other-unit" },
            TicketMaking.OtherTask => ticket with { TaskId = id + 1 },
            TicketMaking.OtherKind => ticket with { Kind = c.Kind == "fs.list" ? "fs.delete" : "fs.list" },
            TicketMaking.OtherParameters => ticket with { ParametersSha256 = TaskTicket.HashParameters(signedParameters == "{}" ? "{\"path\":\"/\"}" : "{}") },
            _ => ticket,
        };
        SignedTicket? signed = c.Ticket switch
        {
            TicketMaking.None => null,
            TicketMaking.ForgedKey => TicketSigning.Sign(ticket, agent.ForgerKey),
            TicketMaking.GarbageBytes => new SignedTicket(RandomNumberGenerator.GetBytes(64), RandomNumberGenerator.GetBytes(64)),
            _ => TicketSigning.Sign(ticket, agent.StationKey),
        };
        return new TaskOrder(id, c.Kind, c.ParametersJson!, "alice", now, signed);
    }

    /// <summary>What the station would name: the unit, the disk of a device, and each path parameter (canonical, or as typed for <see cref="TicketMaking.GenuineUncanonical"/>).</summary>
    private static List<string> Resources(OrderCase c)
    {
        var resources = new List<string> { ResourcePath.Unit(AgentUnderFuzz.Unit) };
        JsonElement root;
        try { root = JsonDocument.Parse(c.ParametersJson ?? "{}").RootElement.Clone(); }
        catch (JsonException) { return resources; }
        if (root.ValueKind != JsonValueKind.Object) return resources;
        if (root.TryGetProperty("device", out var device) && device.ValueKind == JsonValueKind.String && Text(device) is { Length: > 0 } d && !d.Contains('\0'))
            resources.Add(ResourcePath.Disk(AgentUnderFuzz.Unit, d));
        foreach (var parameter in KindPaths.For(c.Kind))
        {
            if (!root.TryGetProperty(parameter.Chain[0], out var value) || value.ValueKind != JsonValueKind.String) continue;
            string path;
            // A lone surrogate escaped in the JSON: valid JSON, but no string; the station would name nothing for it.
            try { path = value.GetString()!; }
            catch (InvalidOperationException) { continue; }
            if (c.Ticket == TicketMaking.GenuineUncanonical) resources.Add("/units/" + AgentUnderFuzz.Unit + "/fs" + (path.StartsWith('/') ? "" : "/") + path);
            else if (UnitPath.TryCanonicalize(path, out var canonical, out _)) resources.Add(UnitPath.Resource(AgentUnderFuzz.Unit, canonical));
        }
        return resources;
    }

    private static string? Text(JsonElement e)
    {
        try { return e.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    private void Count(string outcome) => _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    /// <summary>The refusal without the case's own values, so the summary groups alike refusals.</summary>
    private static string Reason(string refusal)
    {
        string r = refusal["refused by the unit: ".Length..];
        int cut = r.IndexOfAny(['\'', '(', ':']);
        return cut > 0 ? r[..cut].Trim() : r[..Math.Min(r.Length, 60)];
    }

    private static string Diff(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        return string.Join('\n', a.Except(b).Select(l => "- " + l).Concat(b.Except(a).Select(l => "+ " + l)));
    }
}
