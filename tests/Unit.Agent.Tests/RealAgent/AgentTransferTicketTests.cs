using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.DataPlane;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>
/// Transfer tickets against a real agent process's data plane: single-use (also after the agent restarts),
/// bound to the unit, path and task, short-lived, and a move's ticket alone never deletes the source.
/// Each test has its own hub and agent, so one may restart the agent.
/// </summary>
public sealed class AgentTransferTicketTests : IAsyncLifetime
{
    private const string Unit = "unit-x";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly TempDir _dir = new();
    private HubHost? _hub;
    private AgentProcess? _agent;
    private string _dataUrl = "";

    private HubHost Hub => _hub!;
    private string Root => _dir.Combine("root");
    private string File1 => Path.Combine(Root, "f.bin");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllBytes(File1, RandomNumberGenerator.GetBytes(100_000));
        _hub = await HubHost.StartAsync(Unit);
        await StartAgentAsync(enrol: true);
    }

    private async Task StartAgentAsync(bool enrol)
    {
        string[] args = ["--station", Hub.Url.ToString().TrimEnd('/'), "--name", Unit, "--state", _dir.Combine("state"), "--root", Root];
        _agent = new AgentProcess(enrol ? [.. args, "--enrol", Hub.State.Token] : args, _dir.Path);
        using var cts = new CancellationTokenSource(Limit);
        try { _dataUrl = (await Hub.State.Announces.Reader.ReadAsync(cts.Token)).DataUrl!.TrimEnd('/'); }
        catch (OperationCanceledException) { throw new TimeoutException("the agent did not announce itself:\n" + _agent.Output); }
    }

    private string Ticket(string path, bool move = false, string unit = Unit, long taskId = 7, TimeSpan? life = null, string to = "dest", string toPath = "/elsewhere/f.bin") =>
        TransferTicketSigning.Encode(new TransferTicket(taskId, unit, path, to, toPath, -1, move,
            DateTimeOffset.UtcNow + (life ?? TimeSpan.FromMinutes(5)), TransferTicket.NewId()), Hub.StationKey);

    private async Task<(HttpStatusCode Status, string Body, string? Session)> SendAsync(HttpMethod method, string route, string path, string ticket,
        string? session = null, string? deletion = null)
    {
        using var http = new HttpClient { Timeout = Limit };
        using var request = new HttpRequestMessage(method, $"{_dataUrl}{route}?path={Uri.EscapeDataString(path)}");
        request.Headers.Add(DataPlaneRoutes.TicketHeader, ticket);
        if (session is not null) request.Headers.Add(DataPlaneRoutes.SessionHeader, session);
        if (deletion is not null) request.Headers.Add(DataPlaneRoutes.DeletionHeader, deletion);
        using var response = await http.SendAsync(request);
        string? given = response.Headers.TryGetValues(DataPlaneRoutes.SessionHeader, out var v) ? v.First() : null;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), given);
    }

    [Fact]
    public async Task TicketUsedTwice_SecondIsRefused_ItsSessionGoesOn()
    {
        string ticket = Ticket(File1);
        var first = await SendAsync(HttpMethod.Get, DataPlaneRoutes.Stat, File1, ticket);
        Assert.True(first.Status == HttpStatusCode.OK, first.Body);
        Assert.NotNull(first.Session);

        var second = await SendAsync(HttpMethod.Get, DataPlaneRoutes.File, File1, ticket);
        Assert.True(second.Status == HttpStatusCode.Forbidden, $"{second.Status} {second.Body}");
        Assert.Contains("already used", second.Body);

        var inSession = await SendAsync(HttpMethod.Get, DataPlaneRoutes.Hash, File1, ticket, first.Session);
        Assert.True(inSession.Status == HttpStatusCode.OK, inSession.Body);
        // Another session id: its first character changed (to one it is not, so the id really differs).
        string other = (first.Session![0] == '0' ? "1" : "0") + first.Session[1..];
        var wrongSession = await SendAsync(HttpMethod.Get, DataPlaneRoutes.Hash, File1, ticket, other);
        Assert.Equal(HttpStatusCode.Forbidden, wrongSession.Status);
    }

    [Fact]
    public async Task TicketForAnotherPathOrUnit_OrExpired_IsRefused()
    {
        string other = Path.Combine(Root, "other.bin");
        File.WriteAllText(other, "other");
        var cases = new (string Why, string Path, string Ticket, string Says)[]
        {
            ("another path", other, Ticket(File1), "grants"),
            ("another unit", File1, Ticket(File1, unit: "unit-y"), "not 'unit-x'"),
            ("expired", File1, Ticket(File1, life: TimeSpan.FromMinutes(-11)), "expired"),
        };
        foreach (var (why, path, ticket, says) in cases)
        {
            var r = await SendAsync(HttpMethod.Get, DataPlaneRoutes.File, path, ticket);
            Assert.True(r.Status == HttpStatusCode.Forbidden, $"{why}: {r.Status} {r.Body}");
            Assert.Contains(says, r.Body);
        }
    }

    [Fact]
    public async Task DataMoveOrder_WithAnotherTasksTicket_IsRefusedByTheDestination()
    {
        long taskId = 4242;
        string json = JsonSerializer.Serialize(new
        {
            source = new { unit = Unit, path = File1 },
            destination = new { unit = Unit, path = Path.Combine(Root, "copy.bin") },
            mode = "copy",
            transfer = new { ticket = Ticket(File1, taskId: taskId + 1, to: Unit, toPath: Path.Combine(Root, "copy.bin")), sourceUrl = _dataUrl, route = "direct" },
        });
        var now = DateTimeOffset.UtcNow;
        var task = new TaskTicket("alice", [], taskId, TaskKinds.DataMove, Unit, [$"/units/{Unit}/fs{File1}", $"/units/{Unit}/fs{Root}/copy.bin"], now, now.AddMinutes(5),
            Guid.NewGuid().ToString("N"), TaskTicket.HashParameters(json));
        var result = await Hub.RunAsync(new TaskOrder(taskId, TaskKinds.DataMove, json, "alice", now, TicketSigning.Sign(task, Hub.StationKey)), Limit);
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains($"is for task {taskId + 1}, not {taskId}", result.Error);
        Assert.False(File.Exists(Path.Combine(Root, "copy.bin")));
    }

    [Fact]
    public async Task MoveTicket_CannotDeleteTheSource_WithoutTheStationsLeaveForWhatWasVerified()
    {
        string ticket = Ticket(File1, move: true);
        var claim = await SendAsync(HttpMethod.Get, DataPlaneRoutes.Stat, File1, ticket);
        Assert.True(claim.Status == HttpStatusCode.OK, claim.Body);
        var entry = JsonSerializer.Deserialize<DataEntry>(claim.Body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(File1)));
        string id = TransferTicketSigning.Decode(ticket, Hub.StationKey)!.Id!;
        string Leave(string hash, string? ticketId = null) => TransferTicketSigning.EncodeDeletion(new SourceDeletion(ticketId ?? id, 7, Unit, File1,
            DataEntry.FileType, entry.Size, entry.MtimeTicks, hash, DateTimeOffset.UtcNow.AddMinutes(5)), Hub.StationKey);

        var cases = new (string Why, string? Deletion, string Says)[]
        {
            ("no leave", null, "not authorised"),
            ("a leave for another hash", Leave(new string('0', 64)), "no longer what the destination verified"),
            ("a leave for another ticket", Leave(sha, "other-ticket"), "not this transfer's source"),
            ("the ticket signed as a leave", ticket, "not authorised"),
        };
        foreach (var (why, deletion, says) in cases)
        {
            var r = await SendAsync(HttpMethod.Delete, DataPlaneRoutes.File, File1, ticket, claim.Session, deletion);
            Assert.True(r.Status == HttpStatusCode.Forbidden, $"{why}: {r.Status} {r.Body}");
            Assert.Contains(says, r.Body);
            Assert.True(File.Exists(File1), why);
        }

        var granted = await SendAsync(HttpMethod.Delete, DataPlaneRoutes.File, File1, ticket, claim.Session, Leave(sha));
        Assert.True(granted.Status == HttpStatusCode.NoContent, granted.Body);
        Assert.False(File.Exists(File1));
    }

    [Fact]
    public async Task UsedTicket_IsStillRefused_AfterTheAgentRestarts()
    {
        string ticket = Ticket(File1);
        var first = await SendAsync(HttpMethod.Get, DataPlaneRoutes.Stat, File1, ticket);
        Assert.True(first.Status == HttpStatusCode.OK, first.Body);
        Assert.True(File.Exists(_dir.Combine("state", UsedTickets.FileName)));

        _agent!.Dispose();
        await StartAgentAsync(enrol: false);

        var again = await SendAsync(HttpMethod.Get, DataPlaneRoutes.Stat, File1, ticket);
        Assert.True(again.Status == HttpStatusCode.Forbidden, $"{again.Status} {again.Body}");
        Assert.Contains("already used", again.Body);
        var fresh = await SendAsync(HttpMethod.Get, DataPlaneRoutes.Stat, File1, Ticket(File1));
        Assert.True(fresh.Status == HttpStatusCode.OK, fresh.Body);
    }

    public async Task DisposeAsync()
    {
        _agent?.Dispose();
        if (_hub is not null) await _hub.DisposeAsync();
        _dir.Dispose();
    }
}
